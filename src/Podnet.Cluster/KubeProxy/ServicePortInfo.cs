using System.Net;

namespace Podnet.Cluster.KubeProxy;

/// <summary>
/// One Service port as kube-proxy sees it (upstream <c>proxy.BaseServicePortInfo</c>), already
/// filtered to the proxier's IP family: cluster IP, port, protocol, node port, external IPs,
/// load-balancer ingress IPs and source ranges, session affinity and the traffic policies.
/// Immutable; built from a Service by <see cref="ServiceChangeTracker"/>.
/// </summary>
public sealed class ServicePortInfo
{
    private string? _nameString;

    /// <summary>Creates the info; the policy flags follow upstream's helpers (see properties).</summary>
    public ServicePortInfo(
        ServicePortName name,
        IPAddress clusterIP,
        int port,
        int nodePort = 0,
        IReadOnlyList<IPAddress>? externalIPs = null,
        IReadOnlyList<IPAddress>? loadBalancerVIPs = null,
        IReadOnlyList<IPNetwork>? loadBalancerSourceRanges = null,
        bool sessionAffinityClientIP = false,
        int stickyMaxAgeSeconds = 10800,
        bool externalPolicyLocal = false,
        bool internalPolicyLocal = false,
        int healthCheckNodePort = 0)
    {
        Name = name;
        ClusterIP = clusterIP;
        Port = port;
        NodePort = nodePort;
        ExternalIPs = externalIPs ?? [];
        LoadBalancerVIPs = loadBalancerVIPs ?? [];
        LoadBalancerSourceRanges = loadBalancerSourceRanges ?? [];
        SessionAffinityClientIP = sessionAffinityClientIP;
        StickyMaxAgeSeconds = stickyMaxAgeSeconds;
        ExternalPolicyLocal = externalPolicyLocal;
        InternalPolicyLocal = internalPolicyLocal;
        HealthCheckNodePort = healthCheckNodePort;
    }

    /// <summary>The service port's name (<c>ns/svc:port</c> plus protocol).</summary>
    public ServicePortName Name { get; }

    /// <summary><c>ServicePortName.String()</c>, cached: it is written into many comments.</summary>
    public string NameString => _nameString ??= Name.ToString();

    /// <summary>Transport protocol.</summary>
    public L4Protocol Protocol => Name.Protocol;

    /// <summary>The cluster IP of the proxier's family.</summary>
    public IPAddress ClusterIP { get; }

    /// <summary><c>spec.ports[i].port</c>.</summary>
    public int Port { get; }

    /// <summary><c>spec.ports[i].nodePort</c>, 0 if none.</summary>
    public int NodePort { get; }

    /// <summary><c>spec.externalIPs</c> of the proxier's family (valid ones only).</summary>
    public IReadOnlyList<IPAddress> ExternalIPs { get; }

    /// <summary><c>status.loadBalancer.ingress[].ip</c> of the proxier's family (ipMode Proxy skipped).</summary>
    public IReadOnlyList<IPAddress> LoadBalancerVIPs { get; }

    /// <summary><c>spec.loadBalancerSourceRanges</c> of the proxier's family, trimmed and parsed leniently.</summary>
    public IReadOnlyList<IPNetwork> LoadBalancerSourceRanges { get; }

    /// <summary><c>sessionAffinity: ClientIP</c>.</summary>
    public bool SessionAffinityClientIP { get; }

    /// <summary><c>sessionAffinityConfig.clientIP.timeoutSeconds</c> (API default 10800).</summary>
    public int StickyMaxAgeSeconds { get; }

    /// <summary>Upstream <c>ExternalPolicyLocal()</c>: eTP Local on an externally accessible Service type.</summary>
    public bool ExternalPolicyLocal { get; }

    /// <summary>Upstream <c>InternalPolicyLocal()</c>: <c>internalTrafficPolicy: Local</c>.</summary>
    public bool InternalPolicyLocal { get; }

    /// <summary>Only non-zero for LoadBalancer Services with eTP Local (upstream <c>NeedsHealthCheck</c>).</summary>
    public int HealthCheckNodePort { get; }

    /// <summary>Upstream <c>ExternallyAccessible()</c>: a node port, LB IPs or external IPs.</summary>
    public bool ExternallyAccessible => NodePort != 0 || LoadBalancerVIPs.Count > 0 || ExternalIPs.Count > 0;

    /// <summary>Upstream <c>UsesClusterEndpoints()</c>.</summary>
    public bool UsesClusterEndpoints => !InternalPolicyLocal || ExternallyAccessible;

    /// <summary>Upstream <c>UsesLocalEndpoints()</c>.</summary>
    public bool UsesLocalEndpoints => InternalPolicyLocal || (ExternalPolicyLocal && ExternallyAccessible);

    /// <summary>Structural equality of everything that shapes rules (the change tracker's test).</summary>
    public bool SameAs(ServicePortInfo? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null) return false;
        return Name == other.Name && ClusterIP.Equals(other.ClusterIP) && Port == other.Port && NodePort == other.NodePort
            && SessionAffinityClientIP == other.SessionAffinityClientIP && StickyMaxAgeSeconds == other.StickyMaxAgeSeconds
            && ExternalPolicyLocal == other.ExternalPolicyLocal && InternalPolicyLocal == other.InternalPolicyLocal
            && HealthCheckNodePort == other.HealthCheckNodePort
            && ExternalIPs.SequenceEqual(other.ExternalIPs) && LoadBalancerVIPs.SequenceEqual(other.LoadBalancerVIPs)
            && LoadBalancerSourceRanges.SequenceEqual(other.LoadBalancerSourceRanges);
    }

    /// <inheritdoc/>
    public override string ToString() => NameString + " " + ClusterIP + ":" + Port + "/" + Protocol.Lower();
}
