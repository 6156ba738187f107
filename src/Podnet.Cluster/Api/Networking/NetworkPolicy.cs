using System.Text.Json;
using System.Text.Json.Serialization;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Networking;

/// <summary>Kubernetes <c>networking.k8s.io/v1 NetworkPolicy</c>: allow-list firewalling of selected pods.</summary>
public sealed record NetworkPolicy : KubeObject
{
    /// <summary>Creates an empty NetworkPolicy with apiVersion and kind set.</summary>
    public NetworkPolicy()
    {
        ApiVersion = "networking.k8s.io/v1";
        Kind = "NetworkPolicy";
    }

    /// <summary>Desired state.</summary>
    public NetworkPolicySpec Spec { get; init; } = new();
}

/// <summary>Kubernetes <c>networking.k8s.io/v1 NetworkPolicySpec</c>.</summary>
public sealed record NetworkPolicySpec
{
    /// <summary><c>podSelector</c>: the pods the policy applies to (empty = all in the namespace).</summary>
    public LabelSelector PodSelector { get; init; } = new();
    /// <summary><c>ingress</c> rules (ORed).</summary>
    public IReadOnlyList<NetworkPolicyIngressRule> Ingress { get; init; } = [];
    /// <summary><c>egress</c> rules (ORed).</summary>
    public IReadOnlyList<NetworkPolicyEgressRule> Egress { get; init; } = [];
    /// <summary><c>policyTypes</c>: Ingress and/or Egress (defaulted from the rules).</summary>
    public IReadOnlyList<string> PolicyTypes { get; init; } = [];
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>networking.k8s.io/v1 NetworkPolicyIngressRule</c>: empty <c>from</c> = from anywhere; empty <c>ports</c> = all ports.</summary>
public sealed record NetworkPolicyIngressRule
{
    /// <summary><c>ports</c>.</summary>
    public IReadOnlyList<NetworkPolicyPort> Ports { get; init; } = [];
    /// <summary><c>from</c>.</summary>
    public IReadOnlyList<NetworkPolicyPeer> From { get; init; } = [];
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>networking.k8s.io/v1 NetworkPolicyEgressRule</c>.</summary>
public sealed record NetworkPolicyEgressRule
{
    /// <summary><c>ports</c>.</summary>
    public IReadOnlyList<NetworkPolicyPort> Ports { get; init; } = [];
    /// <summary><c>to</c>.</summary>
    public IReadOnlyList<NetworkPolicyPeer> To { get; init; } = [];
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>networking.k8s.io/v1 NetworkPolicyPeer</c>: pod/namespace selectors (ANDed when both) or an ipBlock.</summary>
public sealed record NetworkPolicyPeer
{
    /// <summary><c>podSelector</c>.</summary>
    public LabelSelector? PodSelector { get; init; }
    /// <summary><c>namespaceSelector</c>.</summary>
    public LabelSelector? NamespaceSelector { get; init; }
    /// <summary><c>ipBlock</c>.</summary>
    public IPBlock? IpBlock { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>networking.k8s.io/v1 IPBlock</c>.</summary>
public sealed record IPBlock
{
    /// <summary><c>cidr</c>.</summary>
    public string Cidr { get; init; } = "";
    /// <summary><c>except</c>: CIDRs inside <see cref="Cidr"/> that are excluded.</summary>
    public IReadOnlyList<string> Except { get; init; } = [];
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>networking.k8s.io/v1 NetworkPolicyPort</c>.</summary>
public sealed record NetworkPolicyPort
{
    /// <summary><c>protocol</c> (default TCP).</summary>
    public string? Protocol { get; init; }
    /// <summary><c>port</c>: number or named container port; absent = all ports.</summary>
    public IntOrString? Port { get; init; }
    /// <summary><c>endPort</c>: range end (numeric port only).</summary>
    public int? EndPort { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}
