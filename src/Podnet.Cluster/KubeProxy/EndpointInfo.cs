using System.Net;
using System.Net.Sockets;

namespace Podnet.Cluster.KubeProxy;

/// <summary>
/// One endpoint of a Service port (upstream <c>proxy.BaseEndpointInfo</c>), taken from an
/// EndpointSlice: address and port, the ready/serving/terminating conditions, whether it runs on
/// this node (<c>nodeName</c> matches) and its zone hints.
/// </summary>
public sealed class EndpointInfo : IEquatable<EndpointInfo>
{
    /// <summary>Creates the endpoint; <see cref="String"/> is <c>ip:port</c> (<c>[ip]:port</c> for IPv6).</summary>
    public EndpointInfo(IPAddress ip, int port, bool ready = true, bool serving = true, bool terminating = false,
        bool isLocal = false, IReadOnlyList<string>? zoneHints = null)
    {
        IP = ip;
        Port = port;
        Ready = ready;
        Serving = serving;
        Terminating = terminating;
        IsLocal = isLocal;
        ZoneHints = zoneHints;
        IPString = ip.ToString();
        String = ip.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + IPString + "]:" + port : IPString + ":" + port;
    }

    /// <summary>The endpoint address.</summary>
    public IPAddress IP { get; }

    /// <summary>The address as text.</summary>
    public string IPString { get; }

    /// <summary>The endpoint (target) port.</summary>
    public int Port { get; }

    /// <summary><c>conditions.ready</c> (nil = true).</summary>
    public bool Ready { get; }

    /// <summary><c>conditions.serving</c> (nil = true).</summary>
    public bool Serving { get; }

    /// <summary><c>conditions.terminating</c> (nil = false).</summary>
    public bool Terminating { get; }

    /// <summary>The endpoint's <c>nodeName</c> is this proxier's node.</summary>
    public bool IsLocal { get; }

    /// <summary><c>hints.forZones[].name</c>, or null when the endpoint has no hints.</summary>
    public IReadOnlyList<string>? ZoneHints { get; }

    /// <summary>Upstream <c>String()</c>: <c>ip:port</c>, <c>[ip]:port</c> for IPv6.</summary>
    public string String { get; }

    /// <inheritdoc/>
    public bool Equals(EndpointInfo? other) =>
        other is not null && (ReferenceEquals(this, other) || (String == other.String && Ready == other.Ready
            && Serving == other.Serving && Terminating == other.Terminating && IsLocal == other.IsLocal
            && HintsEqual(ZoneHints, other.ZoneHints)));

    private static bool HintsEqual(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        a is null ? b is null : b is not null && a.SequenceEqual(b);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as EndpointInfo);

    /// <inheritdoc/>
    public override int GetHashCode() => String.GetHashCode(StringComparison.Ordinal);

    /// <inheritdoc/>
    public override string ToString() => String;
}
