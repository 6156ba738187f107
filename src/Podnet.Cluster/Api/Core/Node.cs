using System.Text.Json;
using System.Text.Json.Serialization;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Core;

/// <summary>Kubernetes <c>v1 Node</c> (cluster-scoped): a machine with its own network namespace and pod CIDR.</summary>
public sealed record Node : KubeObject
{
    /// <summary>Creates an empty Node with apiVersion and kind set.</summary>
    public Node()
    {
        ApiVersion = "v1";
        Kind = "Node";
    }

    /// <summary>Desired state (pod CIDRs, taints).</summary>
    public NodeSpec Spec { get; init; } = new();

    /// <summary>Observed state (addresses, conditions, node info).</summary>
    public NodeStatus? Status { get; init; }
}

/// <summary>Kubernetes <c>v1 NodeSpec</c>.</summary>
public sealed record NodeSpec
{
    /// <summary><c>podCIDR</c>: the node's pod address range (first of <see cref="PodCIDRs"/>).</summary>
    public string? PodCIDR { get; init; }
    /// <summary><c>podCIDRs</c>.</summary>
    public IReadOnlyList<string> PodCIDRs { get; init; } = [];
    /// <summary><c>providerID</c>.</summary>
    public string? ProviderID { get; init; }
    /// <summary><c>unschedulable</c> (cordoned).</summary>
    public bool? Unschedulable { get; init; }
    /// <summary><c>taints</c>.</summary>
    public IReadOnlyList<Taint> Taints { get; init; } = [];
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 Taint</c>.</summary>
public sealed record Taint
{
    /// <summary><c>key</c>.</summary>
    public string Key { get; init; } = "";
    /// <summary><c>value</c>.</summary>
    public string? Value { get; init; }
    /// <summary><c>effect</c>: NoSchedule, PreferNoSchedule, NoExecute.</summary>
    public string Effect { get; init; } = "";
    /// <summary><c>timeAdded</c>.</summary>
    public DateTimeOffset? TimeAdded { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 NodeStatus</c>.</summary>
public sealed record NodeStatus
{
    /// <summary><c>capacity</c> (resource quantities as text).</summary>
    public IReadOnlyDictionary<string, string> Capacity { get; init; } = Empty.Map;
    /// <summary><c>allocatable</c>.</summary>
    public IReadOnlyDictionary<string, string> Allocatable { get; init; } = Empty.Map;
    /// <summary><c>conditions</c> (Ready, MemoryPressure, ...).</summary>
    public IReadOnlyList<Condition> Conditions { get; init; } = [];
    /// <summary><c>addresses</c> (InternalIP, ExternalIP, Hostname).</summary>
    public IReadOnlyList<NodeAddress> Addresses { get; init; } = [];
    /// <summary><c>nodeInfo</c>.</summary>
    public NodeSystemInfo? NodeInfo { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 NodeAddress</c>.</summary>
public sealed record NodeAddress
{
    /// <summary><c>type</c>: InternalIP, ExternalIP, Hostname, InternalDNS, ExternalDNS.</summary>
    public string Type { get; init; } = "";
    /// <summary><c>address</c>.</summary>
    public string Address { get; init; } = "";
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 NodeSystemInfo</c> (what <c>get nodes -o wide</c> shows).</summary>
public sealed record NodeSystemInfo
{
    /// <summary><c>machineID</c>.</summary>
    public string? MachineID { get; init; }
    /// <summary><c>systemUUID</c>.</summary>
    public string? SystemUUID { get; init; }
    /// <summary><c>bootID</c>.</summary>
    public string? BootID { get; init; }
    /// <summary><c>kernelVersion</c>.</summary>
    public string? KernelVersion { get; init; }
    /// <summary><c>osImage</c>.</summary>
    public string? OsImage { get; init; }
    /// <summary><c>containerRuntimeVersion</c>.</summary>
    public string? ContainerRuntimeVersion { get; init; }
    /// <summary><c>kubeletVersion</c>.</summary>
    public string? KubeletVersion { get; init; }
    /// <summary><c>kubeProxyVersion</c>.</summary>
    public string? KubeProxyVersion { get; init; }
    /// <summary><c>operatingSystem</c>.</summary>
    public string? OperatingSystem { get; init; }
    /// <summary><c>architecture</c>.</summary>
    public string? Architecture { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}
