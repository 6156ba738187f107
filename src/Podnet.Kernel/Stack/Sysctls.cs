using System.Globalization;

namespace Podnet.Kernel.Stack;

/// <summary>
/// The namespace's sysctls that matter to networking (<c>/proc/sys/net/...</c>): <c>net.ipv4.ip_forward</c>,
/// <c>net.bridge.bridge-nf-call-iptables</c>, <c>net.ipv4.conf.{all,default,IFACE}.{rp_filter,route_localnet,forwarding}</c>,
/// <c>net.ipv4.ip_local_port_range</c>. Keys outside this set do not exist (<c>sysctl</c> says "cannot stat").
/// </summary>
public sealed class Sysctls
{
    private readonly NetNamespace _ns;

    internal Sysctls(NetNamespace ns) => _ns = ns;

    /// <summary>net.ipv4.ip_forward (default 0).</summary>
    public bool IpForward { get; set; }

    /// <summary>net.bridge.bridge-nf-call-iptables: 0 until br_netfilter is asked for, as on a host without it loaded.</summary>
    public bool BridgeNfCallIptables { get; set; }

    public Ipv4DeviceConfig All { get; } = new();

    public Ipv4DeviceConfig Default { get; } = new();

    /// <summary>net.ipv4.ip_local_port_range (default 32768 60999).</summary>
    public (int Low, int High) LocalPortRange { get; set; } = (32768, 60999);

    /// <summary>Reads a key in <c>a.b.c</c> or <c>a/b/c</c> form; null when it does not exist.</summary>
    public string? Get(string key)
    {
        var c = Resolve(key.Replace('/', '.'), out var field);
        if (c == null)
        {
            return field switch
            {
                "ip_forward" => IpForward ? "1" : "0",
                "bridge-nf-call-iptables" => BridgeNfCallIptables ? "1" : "0",
                "ip_local_port_range" => $"{LocalPortRange.Low}\t{LocalPortRange.High}",
                _ => null,
            };
        }
        return field switch
        {
            "rp_filter" => c.RpFilter.ToString(CultureInfo.InvariantCulture),
            "route_localnet" => c.RouteLocalnet ? "1" : "0",
            "forwarding" => c.Forwarding ? "1" : "0",
            _ => null,
        };
    }

    /// <summary>Writes a key; false when the key does not exist or the value is invalid.</summary>
    public bool Set(string key, string value)
    {
        key = key.Replace('/', '.');
        value = value.Trim();
        var c = Resolve(key, out var field);
        if (c == null)
        {
            switch (field)
            {
                case "ip_forward":
                    if (!TryBool(value, out var f)) return false;
                    IpForward = f;
                    All.Forwarding = f;
                    Default.Forwarding = f;
                    foreach (var d in _ns.Devices) d.Ipv4Config.Forwarding = f;
                    return true;
                case "bridge-nf-call-iptables":
                    if (!TryBool(value, out var b)) return false;
                    BridgeNfCallIptables = b;
                    return true;
                case "ip_local_port_range":
                    var parts = value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var lo)
                        || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var hi) || lo < 1 || hi > 65535 || lo > hi) return false;
                    LocalPortRange = (lo, hi);
                    return true;
                default:
                    return false;
            }
        }
        switch (field)
        {
            case "rp_filter":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var rp) || rp > 2) return false;
                c.RpFilter = rp;
                return true;
            case "route_localnet":
                if (!TryBool(value, out var rl)) return false;
                c.RouteLocalnet = rl;
                return true;
            case "forwarding":
                if (!TryBool(value, out var fw)) return false;
                c.Forwarding = fw;
                if (c == All) IpForward = fw;
                return true;
            default:
                return false;
        }
    }

    private static bool TryBool(string v, out bool b)
    {
        b = v == "1";
        return v is "0" or "1";
    }

    private Ipv4DeviceConfig? Resolve(string key, out string field)
    {
        field = "";
        if (key == "net.ipv4.ip_forward") { field = "ip_forward"; return null; }
        if (key == "net.bridge.bridge-nf-call-iptables") { field = "bridge-nf-call-iptables"; return null; }
        if (key == "net.ipv4.ip_local_port_range") { field = "ip_local_port_range"; return null; }
        const string prefix = "net.ipv4.conf.";
        if (!key.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var rest = key[prefix.Length..];
        int dot = rest.LastIndexOf('.');
        if (dot <= 0) return null;
        var dev = rest[..dot];
        var f = rest[(dot + 1)..];
        if (f is not ("rp_filter" or "route_localnet" or "forwarding")) return null;
        var cfg = dev switch
        {
            "all" => All,
            "default" => Default,
            _ => _ns.GetDevice(dev)?.Ipv4Config,
        };
        if (cfg != null) field = f;
        return cfg;
    }
}
