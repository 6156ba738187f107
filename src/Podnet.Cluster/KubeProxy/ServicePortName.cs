namespace Podnet.Cluster.KubeProxy;

/// <summary>
/// kube-proxy's <c>proxy.ServicePortName</c>: a Service's namespace/name, one of its port names and
/// the port's protocol. <see cref="ToString"/> is upstream's <c>String()</c>: <c>ns/name:port</c>, or
/// <c>ns/name</c> when the port is unnamed; that string appears in rule comments and chain hashes.
/// </summary>
public readonly record struct ServicePortName(string Namespace, string Name, string Port, L4Protocol Protocol)
    : IComparable<ServicePortName>
{
    /// <summary>The Service's <c>namespace/name</c>.</summary>
    public string NamespacedName => Namespace + "/" + Name;

    /// <summary><c>ns/name:port</c>, or <c>ns/name</c> for an unnamed port.</summary>
    public override string ToString() =>
        Port.Length == 0 ? Namespace + "/" + Name : Namespace + "/" + Name + ":" + Port;

    /// <summary>Ordinal order by namespace, name, port name, protocol (the deterministic sync order).</summary>
    public int CompareTo(ServicePortName other)
    {
        int c = string.CompareOrdinal(Namespace, other.Namespace);
        if (c != 0) return c;
        c = string.CompareOrdinal(Name, other.Name);
        if (c != 0) return c;
        c = string.CompareOrdinal(Port, other.Port);
        return c != 0 ? c : Protocol.CompareTo(other.Protocol);
    }
}
