namespace Podnet.Cluster.NetworkPolicies;

/// <summary>
/// An inclusive port range <c>Low..High</c> (a NetworkPolicy <c>port</c>/<c>endPort</c> pair, or an
/// iptables <c>--dport low:high</c>). Ports are 1..65535.
/// </summary>
public readonly record struct PortRange(int Low, int High)
{
    /// <summary>The lowest port a policy can name.</summary>
    public const int MinPort = 1;

    /// <summary>The highest port.</summary>
    public const int MaxPort = 65535;

    /// <summary>1-65535.</summary>
    public static readonly PortRange AllPorts = new(MinPort, MaxPort);

    /// <summary>True when the range covers one port.</summary>
    public bool IsSingle => Low == High;

    /// <summary>True when <paramref name="port"/> is inside.</summary>
    public bool Contains(int port) => port >= Low && port <= High;

    /// <summary><c>N</c> or <c>N-M</c> (netpol-analyzer's form).</summary>
    public override string ToString() => IsSingle ? Low.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Low}-{High}";
}
