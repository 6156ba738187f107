using System.Globalization;
using System.Text;
using Podnet.Kernel.Links;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Tools;

/// <summary>
/// The <c>ip</c> tool of iproute2 (6.1's syntax and output): <c>netns</c>, <c>link</c>, <c>addr</c>,
/// <c>route</c>, <c>neigh</c>. Errors are printed as iproute2 prints them (<c>Cannot find device "x"</c>,
/// <c>RTNETLINK answers: File exists</c>, <c>Error: ...</c>) with its exit codes (1 for argument errors, 2 for kernel errors).
/// </summary>
public static class IpCommand
{
    public static ToolResult Run(World world, NetNamespace? ns, IReadOnlyList<string> argv)
    {
        var args = argv.ToList();
        while (args.Count > 0 && args[0].StartsWith('-'))
        {
            var opt = args[0];
            if (opt is "-n" or "-netns" && args.Count > 1)
            {
                var target = world.GetNamespace(args[1]);
                if (target == null) return ToolResult.Fail($"Cannot open network namespace \"{args[1]}\": No such file or directory", 255);
                ns = target;
                args.RemoveRange(0, 2);
                continue;
            }
            if (opt is "-4") { args.RemoveAt(0); continue; }
            return ToolResult.Fail($"Option \"{opt}\" is unknown, try \"ip -help\".", 255);
        }
        if (args.Count == 0) return ToolResult.Fail("Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }", 255);
        var obj = args[0];
        var rest = args.Skip(1).ToList();
        if (Matches(obj, "netns", 2)) return Netns(world, rest);
        if (ns == null) return ToolResult.Fail("ip: no network namespace selected", 255);
        try
        {
            if (Matches(obj, "link", 1)) return Link(world, ns, rest);
            if (Matches(obj, "address", 1) || obj == "addr") return Addr(ns, rest);
            if (Matches(obj, "route", 1)) return RouteCmd(ns, rest);
            if (Matches(obj, "neighbour", 1) || Matches(obj, "neighbor", 1)) return Neigh(ns, rest);
        }
        catch (UsageException e)
        {
            return ToolResult.Fail(e.Message, e.Code);
        }
        return ToolResult.Fail($"Object \"{obj}\" is unknown, try \"ip help\".", 1);
    }

    private sealed class UsageException(string message, int code = 1) : Exception(message)
    {
        public int Code { get; } = code;
    }

    private static bool Matches(string word, string full, int min) => word.Length >= min && full.StartsWith(word, StringComparison.Ordinal);

    private static string Rtnl(NetlinkError e) => e switch
    {
        NetlinkError.Exists => "RTNETLINK answers: File exists",
        NetlinkError.NoSuchProcess => "RTNETLINK answers: No such process",
        NetlinkError.NoSuchDevice => "RTNETLINK answers: No such device",
        NetlinkError.InvalidArgument => "RTNETLINK answers: Invalid argument",
        NetlinkError.NetworkUnreachable => "RTNETLINK answers: Network is unreachable",
        NetlinkError.AddressNotAvailable => "RTNETLINK answers: Cannot assign requested address",
        NetlinkError.Busy => "RTNETLINK answers: Device or resource busy",
        _ => "",
    };

    private static ToolResult Result(NetlinkError e) => e == NetlinkError.None ? ToolResult.Ok() : ToolResult.Fail(Rtnl(e), 2);

    private static NetDevice Dev(NetNamespace ns, string name) =>
        ns.GetDevice(name) ?? throw new UsageException($"Cannot find device \"{name}\"");

    private static string Next(List<string> a, ref int i, string what)
    {
        if (i + 1 >= a.Count) throw new UsageException($"Command line is not complete. Try option \"help\"", 255);
        return a[++i];
    }

    private static uint ParseIp(string s, string what) =>
        Ipv4Address.TryParse(s, out var a) ? a : throw new UsageException($"Error: inet address is expected rather than \"{s}\".");

    private static Ipv4Prefix ParsePrefix(string s) =>
        s == "default" ? new Ipv4Prefix(0, 0) : Ipv4Prefix.TryParse(s, out var p) ? p : throw new UsageException($"Error: inet prefix is expected rather than \"{s}\".");

    private static int ParseInt(string s, string what) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw new UsageException($"Error: argument \"{s}\" is wrong: {what}", 255);

    // ---------------- netns ----------------

    private static ToolResult Netns(World world, List<string> a)
    {
        if (a.Count == 0 || Matches(a[0], "list", 1) || a[0] == "show")
        {
            var sb = new StringBuilder();
            foreach (var n in world.Namespaces.Reverse()) sb.Append(n.Name).Append('\n');
            return ToolResult.Ok(sb.ToString());
        }
        switch (a[0])
        {
            case "add":
                if (a.Count < 2) return ToolResult.Fail("No netns name specified", 1);
                return world.TryCreateNamespace(a[1]) != null ? ToolResult.Ok() : ToolResult.Fail($"Cannot create namespace file \"/run/netns/{a[1]}\": File exists", 1);
            case "del" or "delete":
                if (a.Count < 2) return ToolResult.Fail("No netns name specified", 1);
                return world.DeleteNamespace(a[1]) ? ToolResult.Ok() : ToolResult.Fail($"Cannot remove namespace file \"/run/netns/{a[1]}\": No such file or directory", 1);
            case "exec":
                if (a.Count < 3) return ToolResult.Fail("No netns name specified", 1);
                var ns = world.GetNamespace(a[1]);
                if (ns == null) return ToolResult.Fail($"Cannot open network namespace \"{a[1]}\": No such file or directory", 1);
                return KernelShell.Execute(world, ns, a.Skip(2).ToList());
            default:
                return ToolResult.Fail($"Command \"{a[0]}\" is unknown, try \"ip netns help\".", 1);
        }
    }

    // ---------------- link ----------------

    private static ToolResult Link(World world, NetNamespace ns, List<string> a)
    {
        if (a.Count == 0 || Matches(a[0], "show", 1) || Matches(a[0], "list", 1)) return ToolResult.Ok(ShowLinks(ns, a.Skip(1).ToList(), withAddresses: false));
        switch (a[0])
        {
            case "add": return LinkAdd(world, ns, a);
            case "set": return LinkSet(world, ns, a);
            case "del" or "delete":
                {
                    string? name = null;
                    for (int i = 1; i < a.Count; i++) name = a[i] == "dev" ? Next(a, ref i, "dev") : a[i];
                    if (name == null) return ToolResult.Fail("Not enough information: \"dev\" argument is required.", 255);
                    var dev = ns.GetDevice(name);
                    if (dev == null) return ToolResult.Fail($"Cannot find device \"{name}\"", 1);
                    return Result(ns.DeleteLink(dev));
                }
            default:
                return ToolResult.Fail($"Command \"{a[0]}\" is unknown, try \"ip link help\".", 1);
        }
    }

    private static ToolResult LinkAdd(World world, NetNamespace ns, List<string> a)
    {
        string? name = null, type = null, peer = null, mtu = null, mac = null;
        NetNamespace? peerNs = null;
        uint vni = uint.MaxValue, local = 0;
        int dstPort = -1;
        bool learning = true;
        NetDevice? underlay = null;
        bool inPeer = false;
        for (int i = 1; i < a.Count; i++)
        {
            var w = a[i];
            switch (w)
            {
                case "name" when !inPeer: name = Next(a, ref i, w); break;
                case "name" when inPeer: peer = Next(a, ref i, w); break;
                case "type": type = Next(a, ref i, w); break;
                case "peer":
                    inPeer = true;
                    if (i + 1 < a.Count && a[i + 1] != "name" && a[i + 1] != "netns") peer = a[++i];
                    break;
                case "netns" when inPeer:
                    var pn = Next(a, ref i, w);
                    peerNs = world.GetNamespace(pn) ?? throw new UsageException($"Cannot find netns \"{pn}\"", 1);
                    break;
                case "mtu": mtu = Next(a, ref i, w); break;
                case "address": mac = Next(a, ref i, w); break;
                case "id" or "vni": vni = (uint)ParseInt(Next(a, ref i, w), "invalid id"); break;
                case "dstport": dstPort = ParseInt(Next(a, ref i, w), "invalid dstport"); break;
                case "local": local = ParseIp(Next(a, ref i, w), "local"); break;
                case "dev" when name == null && type == null: name = Next(a, ref i, w); break;
                case "dev": underlay = Dev(ns, Next(a, ref i, w)); break;
                case "nolearning": learning = false; break;
                case "learning": learning = true; break;
                default:
                    if (name == null && type == null) name = w;
                    else return ToolResult.Fail($"Error: argument \"{w}\" is wrong: unknown option", 255);
                    break;
            }
        }
        if (name == null) return ToolResult.Fail("Not enough information: \"dev\" argument is required.", 255);
        if (type == null) return ToolResult.Fail("Not enough information: \"type\" argument is required.", 255);
        NetlinkError e;
        NetDevice? created;
        var stderr = "";
        switch (type)
        {
            case "veth":
                e = ns.AddVeth(name, peer ?? NextFreeVethName(peerNs ?? ns), peerNs, out var v);
                created = v;
                break;
            case "bridge":
                e = ns.AddBridge(name, out var br);
                created = br;
                break;
            case "dummy":
                e = ns.AddDummy(name, out var d);
                created = d;
                break;
            case "vxlan":
                if (vni == uint.MaxValue) return ToolResult.Fail("vxlan: missing virtual network identifier", 1);
                if (dstPort < 0)
                {
                    stderr = "vxlan: destination port not specified\nWill use Linux kernel default (non-standard value)\nUse 'dstport 4789' to get the IANA assigned value\nUse 'dstport 0' to get default and quiet this message\n";
                    dstPort = 0;
                }
                e = ns.AddVxlan(name, vni, (ushort)(dstPort == 0 ? 8472 : dstPort), local, underlay, out var vx);
                if (vx != null) vx.Learning = learning;
                created = vx;
                break;
            default:
                return ToolResult.Fail("Error: Unknown device type.", 2);
        }
        if (e != NetlinkError.None) return new ToolResult(2, "", stderr + Rtnl(e) + "\n");
        if (mtu != null) ns.SetMtu(created!, ParseInt(mtu, "mtu"));
        if (mac != null && MacAddress.TryParse(mac, out var m)) ns.SetMac(created!, m);
        return new ToolResult(0, "", stderr);
    }

    private static string NextFreeVethName(NetNamespace ns)
    {
        for (int i = 0; ; i++)
            if (ns.GetDevice($"veth{i}") == null) return $"veth{i}";
    }

    private static ToolResult LinkSet(World world, NetNamespace ns, List<string> a)
    {
        if (a.Count < 2) return ToolResult.Fail("Not enough information: \"dev\" argument is required.", 255);
        int i = 1;
        if (a[1] == "dev") i = 2;
        if (i >= a.Count) return ToolResult.Fail("Not enough information: \"dev\" argument is required.", 255);
        var dev = ns.GetDevice(a[i]);
        if (dev == null) return ToolResult.Fail($"Cannot find device \"{a[i]}\"", 1);
        for (i++; i < a.Count; i++)
        {
            var w = a[i];
            NetlinkError e = NetlinkError.None;
            switch (w)
            {
                case "up": ns.SetUp(dev, true); break;
                case "down": ns.SetUp(dev, false); break;
                case "mtu": e = ns.SetMtu(dev, ParseInt(Next(a, ref i, w), "\"mtu\" value is invalid")); break;
                case "address":
                    var ms = Next(a, ref i, w);
                    if (!MacAddress.TryParse(ms, out var mac)) return ToolResult.Fail($"\"{ms}\" is invalid lladdr.", 1);
                    e = ns.SetMac(dev, mac);
                    break;
                case "master":
                    var bn = Next(a, ref i, w);
                    var bdev = ns.GetDevice(bn);
                    if (bdev == null) return ToolResult.Fail($"Device does not exist", 1);
                    if (bdev is not Bridge b) return ToolResult.Fail("RTNETLINK answers: Operation not supported", 2);
                    e = ns.SetMaster(dev, b);
                    break;
                case "nomaster": e = ns.SetMaster(dev, null); break;
                case "netns":
                    var tn = Next(a, ref i, w);
                    var target = world.GetNamespace(tn);
                    if (target == null) return ToolResult.Fail($"Cannot find netns \"{tn}\"", 1);
                    e = ns.MoveTo(dev, target);
                    if (e == NetlinkError.None) return ToolResult.Ok();
                    break;
                case "name": e = ns.Rename(dev, Next(a, ref i, w)); break;
                case "hairpin":
                    dev.PortSettings.Hairpin = Next(a, ref i, w) == "on";
                    break;
                default:
                    return ToolResult.Fail($"Error: argument \"{w}\" is wrong: unknown option", 255);
            }
            if (e != NetlinkError.None) return Result(e);
        }
        return ToolResult.Ok();
    }

    internal static string Flags(NetDevice d)
    {
        var f = new List<string>();
        if (d.AdminUp && !d.Carrier) f.Add("NO-CARRIER");
        if (d is Links.Loopback) f.Add("LOOPBACK");
        else
        {
            f.Add("BROADCAST");
            if (d is Dummy) f.Add("NOARP");
            else f.Add("MULTICAST");
        }
        if (d.AdminUp) f.Add("UP");
        if (d.IsUp) f.Add("LOWER_UP");
        return string.Join(',', f);
    }

    private static string OperState(NetDevice d)
    {
        if (!d.AdminUp) return "DOWN";
        if (d is Links.Loopback or Dummy or Vxlan) return "UNKNOWN";
        return d.Carrier ? "UP" : "DOWN";
    }

    private static void AppendLinkHeader(StringBuilder sb, NetDevice d, bool mode)
    {
        var ci = CultureInfo.InvariantCulture;
        sb.Append(d.Index.ToString(ci)).Append(": ").Append(d.Name);
        if (d is Veth v)
            sb.Append('@').Append(v.Peer.Namespace == d.Namespace ? v.Peer.Name : "if" + v.Peer.Index.ToString(ci));
        sb.Append(": <").Append(Flags(d)).Append("> mtu ").Append(d.Mtu.ToString(ci))
          .Append(" qdisc ").Append(d.HasBeenUp ? "noqueue" : "noop");
        if (d.Master != null) sb.Append(" master ").Append(d.Master.Name);
        sb.Append(" state ").Append(OperState(d));
        if (mode) sb.Append(" mode DEFAULT");
        sb.Append(" group default qlen 1000\n");
        if (d is Links.Loopback) sb.Append("    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n");
        else
        {
            sb.Append("    link/ether ").Append(d.Mac.ToString()).Append(" brd ff:ff:ff:ff:ff:ff");
            if (d is Veth pv && pv.Peer.Namespace != d.Namespace) sb.Append(" link-netns ").Append(pv.Peer.Namespace.Name);
            sb.Append('\n');
        }
    }

    private static string ShowLinks(NetNamespace ns, List<string> a, bool withAddresses)
    {
        string? only = null, type = null, master = null;
        bool upOnly = false;
        for (int i = 0; i < a.Count; i++)
        {
            switch (a[i])
            {
                case "dev": only = Next(a, ref i, "dev"); break;
                case "type": type = Next(a, ref i, "type"); break;
                case "master": master = Next(a, ref i, "master"); break;
                case "up": upOnly = true; break;
                default: only = a[i]; break;
            }
        }
        if (only != null && ns.GetDevice(only) == null) throw new UsageException($"Device \"{only}\" does not exist.", 1);
        var sb = new StringBuilder();
        foreach (var d in ns.Devices.OrderBy(d => d.Index))
        {
            if (only != null && d.Name != only) continue;
            if (type != null && d.Kind != type) continue;
            if (master != null && d.Master?.Name != master) continue;
            if (upOnly && !d.AdminUp) continue;
            AppendLinkHeader(sb, d, mode: !withAddresses);
            if (!withAddresses) continue;
            foreach (var ia in ns.Addresses)
            {
                if (ia.Device != d) continue;
                sb.Append("    inet ").Append(ia.Prefix.ToString());
                if (ia.Broadcast != 0) sb.Append(" brd ").Append(Ipv4Address.Format(ia.Broadcast));
                sb.Append(" scope ").Append(ia.Scope == RouteScope.Host ? "host" : ia.Scope == RouteScope.Link ? "link" : "global")
                  .Append(' ').Append(d.Name).Append('\n')
                  .Append("       valid_lft forever preferred_lft forever\n");
            }
        }
        return sb.ToString();
    }

    // ---------------- addr ----------------

    private static ToolResult Addr(NetNamespace ns, List<string> a)
    {
        if (a.Count == 0 || Matches(a[0], "show", 1) || Matches(a[0], "list", 1)) return ToolResult.Ok(ShowLinks(ns, a.Skip(1).ToList(), withAddresses: true));
        if (a[0] is not ("add" or "del" or "delete" or "replace")) return ToolResult.Fail($"Command \"{a[0]}\" is unknown, try \"ip address help\".", 1);
        Ipv4Prefix? prefix = null;
        string? devName = null;
        uint? brd = null;
        bool brdPlus = false;
        for (int i = 1; i < a.Count; i++)
        {
            switch (a[i])
            {
                case "dev": devName = Next(a, ref i, "dev"); break;
                case "brd" or "broadcast":
                    var b = Next(a, ref i, "brd");
                    if (b == "+") brdPlus = true;
                    else brd = ParseIp(b, "brd");
                    break;
                case "local": prefix = ParsePrefix(Next(a, ref i, "local")); break;
                case "scope" or "label": Next(a, ref i, a[i]); break;
                default: prefix = ParsePrefix(a[i]); break;
            }
        }
        if (devName == null) return ToolResult.Fail("Not enough information: \"dev\" argument is required.", 1);
        var dev = ns.GetDevice(devName);
        if (dev == null) return ToolResult.Fail($"Cannot find device \"{devName}\"", 1);
        if (prefix == null) return ToolResult.Fail("Not enough information: \"local\" argument is required.", 1);
        if (brdPlus) brd = prefix.Value.BroadcastAddress;
        if (a[0] == "add" || a[0] == "replace")
        {
            var e = ns.AddAddress(dev, prefix.Value, brd);
            if (e == NetlinkError.Exists) return a[0] == "replace" ? ToolResult.Ok() : ToolResult.Fail("Error: ipv4: Address already assigned.", 2);
            return Result(e);
        }
        var de = ns.DeleteAddress(dev, prefix.Value);
        return de == NetlinkError.None ? ToolResult.Ok() : ToolResult.Fail("Error: ipv4: Address not found.", 2);
    }

    // ---------------- route ----------------

    private static ToolResult RouteCmd(NetNamespace ns, List<string> a)
    {
        if (a.Count == 0 || Matches(a[0], "show", 1) || Matches(a[0], "list", 1)) return ShowRoutes(ns, a.Skip(1).ToList());
        if (a[0] == "get") return RouteGet(ns, a.Skip(1).ToList());
        if (a[0] is "flush")
        {
            foreach (var r in ns.MainTable.Routes.Where(r => r.Protocol != "kernel").ToList()) ns.DeleteRoute(r.Destination, r.Metric, r.Type, r.Device);
            return ToolResult.Ok();
        }
        if (a[0] is not ("add" or "replace" or "del" or "delete" or "change" or "append"))
            return ToolResult.Fail($"Command \"{a[0]}\" is unknown, try \"ip route help\".", 1);
        var type = RouteType.Unicast;
        Ipv4Prefix? prefix = null;
        uint via = 0, src = 0;
        NetDevice? dev = null;
        RouteScope? scope = null;
        int metric = 0, table = 254;
        string? proto = null;
        bool onlink = false, metricGiven = false;
        for (int i = 1; i < a.Count; i++)
        {
            var w = a[i];
            switch (w)
            {
                case "via":
                    var g = Next(a, ref i, w);
                    if (g == "inet") g = Next(a, ref i, w);
                    via = ParseIp(g, "via");
                    break;
                case "dev" or "oif": dev = Dev(ns, Next(a, ref i, w)); break;
                case "src": src = ParseIp(Next(a, ref i, w), "src"); break;
                case "scope":
                    scope = Next(a, ref i, w) switch
                    {
                        "link" => RouteScope.Link,
                        "host" => RouteScope.Host,
                        "global" or "universe" => RouteScope.Universe,
                        var s => throw new UsageException($"Error: argument \"{s}\" is wrong: invalid \"scope\" value", 255),
                    };
                    break;
                case "metric" or "preference" or "priority": metric = ParseInt(Next(a, ref i, w), "\"metric\" value is invalid"); metricGiven = true; break;
                case "proto": proto = Next(a, ref i, w); break;
                case "onlink": onlink = true; break;
                case "table":
                    var t = Next(a, ref i, w);
                    table = t switch { "main" => 254, "local" => 255, _ => int.TryParse(t, out var n) && n is 254 or 255 ? n : throw new UsageException($"Error: only the main and local tables are emulated (\"{t}\").", 2) };
                    break;
                case "blackhole": type = RouteType.Blackhole; break;
                case "unreachable": type = RouteType.Unreachable; break;
                case "prohibit": type = RouteType.Prohibit; break;
                case "unicast": type = RouteType.Unicast; break;
                case "local": type = RouteType.Local; break;
                case "to": prefix = ParsePrefix(Next(a, ref i, w)); break;
                default: prefix = ParsePrefix(w); break;
            }
        }
        if (prefix == null) return ToolResult.Fail("Error: destination is expected.", 255);
        var p = prefix.Value;
        if (a[0] is "del" or "delete")
        {
            var e = ns.DeleteRoute(p, metricGiven ? metric : null, type == RouteType.Unicast ? null : type, dev, via, table);
            return Result(e);
        }
        if (p.Address != p.Network) return ToolResult.Fail("Error: Invalid prefix for given prefix length.", 2);
        if (type == RouteType.Unicast && via == 0 && dev == null) return ToolResult.Fail("Error: Device for nexthop is not up.", 2);
        if (src != 0 && !ns.IsLocalAddress(src)) return ToolResult.Fail("Error: Invalid prefsrc address.", 2);
        if (type == RouteType.Unicast && via != 0 && !onlink)
        {
            var gwRoute = ns.MainTable.Lookup(via);
            if (gwRoute == null || gwRoute.Gateway != 0 || gwRoute.Type != RouteType.Unicast || (dev != null && gwRoute.Device != dev))
                return ToolResult.Fail("Error: Nexthop has invalid gateway.", 2);
        }
        var sc = scope ?? (type == RouteType.Unicast && via == 0 ? RouteScope.Link : type == RouteType.Local ? RouteScope.Host : RouteScope.Universe);
        if (type == RouteType.Unicast && via != 0 && sc != RouteScope.Universe) return ToolResult.Fail("Error: Route with host scope can not have a gateway.", 2);
        var route = new Route(p, type, via, type is RouteType.Unicast or RouteType.Local ? dev : null, src, sc, proto, metric, onlink) { Table = table };
        var err = ns.AddRoute(route, replace: a[0] is "replace" or "change");
        if (err == NetlinkError.NetworkUnreachable && dev != null && !dev.AdminUp) return ToolResult.Fail("Error: Device for nexthop is not up.", 2);
        if (err == NetlinkError.NetworkUnreachable) return ToolResult.Fail("Error: Nexthop has invalid gateway.", 2);
        return Result(err);
    }

    private static ToolResult ShowRoutes(NetNamespace ns, List<string> a)
    {
        var table = ns.MainTable;
        bool all = false;
        NetDevice? dev = null;
        for (int i = 0; i < a.Count; i++)
        {
            switch (a[i])
            {
                case "table":
                    var t = Next(a, ref i, "table");
                    if (t == "local" || t == "255") table = ns.LocalTable;
                    else if (t == "all") all = true;
                    break;
                case "dev": dev = Dev(ns, Next(a, ref i, "dev")); break;
            }
        }
        var sb = new StringBuilder();
        IEnumerable<Route> routes = all ? ns.MainTable.Routes.Concat(ns.LocalTable.Routes) : table.Routes;
        foreach (var r in Order(routes))
        {
            if (dev != null && r.Device != dev) continue;
            sb.Append(r.Format(showTable: all)).Append('\n');
        }
        return ToolResult.Ok(sb.ToString());
    }

    /// <summary>fib_trie dump order: by network address, then longer prefixes first, then metric.</summary>
    internal static IEnumerable<Route> Order(IEnumerable<Route> routes) =>
        routes.Select((r, i) => (r, i)).OrderBy(x => x.r.Table == 255 ? 1 : 0).ThenBy(x => x.r.Destination.Network).ThenByDescending(x => x.r.Destination.Length)
            .ThenBy(x => x.r.Metric).ThenBy(x => x.i).Select(x => x.r);

    private static ToolResult RouteGet(NetNamespace ns, List<string> a)
    {
        uint? dst = null;
        for (int i = 0; i < a.Count; i++)
        {
            switch (a[i])
            {
                case "to": dst = ParseIp(Next(a, ref i, "to"), "to"); break;
                case "from" or "iif" or "oif" or "mark" or "dev": Next(a, ref i, a[i]); break;
                case "fibmatch" or "connected": break;
                default: dst = ParseIp(a[i], "to"); break;
            }
        }
        if (dst == null) return ToolResult.Fail("need at least a destination address", 1);
        var err = ns.RouteOutput(dst.Value, out var r);
        if (err != Errno.None) return ToolResult.Fail("RTNETLINK answers: " + err.Message(), 2);
        var sb = new StringBuilder();
        var d = Ipv4Address.Format(dst.Value);
        if (r.Type == RouteType.Local)
            sb.Append("local ").Append(d).Append(" dev ").Append(ns.Loopback.Name).Append(" src ").Append(Ipv4Address.Format(r.Source)).Append(" uid 0 \n    cache <local> \n");
        else if (r.Type == RouteType.Broadcast)
            sb.Append("broadcast ").Append(d).Append(" dev ").Append(r.Device.Name).Append(" src ").Append(Ipv4Address.Format(r.Source)).Append(" uid 0 \n    cache <local,brd> \n");
        else
        {
            sb.Append(d);
            if (r.Route.Gateway != 0) sb.Append(" via ").Append(Ipv4Address.Format(r.Route.Gateway));
            sb.Append(" dev ").Append(r.Device.Name).Append(" src ").Append(Ipv4Address.Format(r.Source)).Append(" uid 0 \n    cache \n");
        }
        return ToolResult.Ok(sb.ToString());
    }

    // ---------------- neigh ----------------

    private static ToolResult Neigh(NetNamespace ns, List<string> a)
    {
        if (a.Count == 0 || Matches(a[0], "show", 1) || Matches(a[0], "list", 1))
        {
            NetDevice? only = null;
            for (int i = 1; i < a.Count; i++) if (a[i] == "dev") only = Dev(ns, Next(a, ref i, "dev"));
            var sb = new StringBuilder();
            var now = ns.Now;
            foreach (var n in ns.Neighbours.OrderBy(n => n.Device.Index).ThenByDescending(n => n.Sequence))
            {
                if (only != null && n.Device != only) continue;
                sb.Append(Ipv4Address.Format(n.Address)).Append(" dev ").Append(n.Device.Name);
                var st = n.StateAt(now);
                if (n.HasMac && st is not (NudState.Incomplete or NudState.Failed)) sb.Append(" lladdr ").Append(n.Mac.ToString());
                sb.Append(' ').Append(st.ToString().ToUpperInvariant()).Append(" \n");
            }
            return ToolResult.Ok(sb.ToString());
        }
        if (a[0] is not ("add" or "replace" or "change" or "del" or "delete"))
            return ToolResult.Fail($"Command \"{a[0]}\" is unknown, try \"ip neigh help\".", 1);
        uint? ip = null;
        MacAddress? mac = null;
        NetDevice? dev = null;
        var state = NudState.Permanent;
        for (int i = 1; i < a.Count; i++)
        {
            switch (a[i])
            {
                case "lladdr":
                    var m = Next(a, ref i, "lladdr");
                    if (!MacAddress.TryParse(m, out var mm)) return ToolResult.Fail($"\"{m}\" is invalid lladdr.", 1);
                    mac = mm;
                    break;
                case "dev": dev = Dev(ns, Next(a, ref i, "dev")); break;
                case "nud":
                    state = Next(a, ref i, "nud") switch
                    {
                        "permanent" => NudState.Permanent,
                        "reachable" => NudState.Reachable,
                        "stale" => NudState.Stale,
                        "noarp" => NudState.Noarp,
                        var s => throw new UsageException($"Error: argument \"{s}\" is wrong: nud state is bad", 255),
                    };
                    break;
                case "to": ip = ParseIp(Next(a, ref i, "to"), "to"); break;
                default: ip = ParseIp(a[i], "to"); break;
            }
        }
        if (dev == null || ip == null) return ToolResult.Fail("Device and destination are required arguments.", 255);
        if (a[0] is "del" or "delete") return Result(ns.DeleteNeighbour(dev, ip.Value));
        if (mac == null) return ToolResult.Fail("RTNETLINK answers: Invalid argument", 2);
        return Result(ns.SetNeighbour(dev, ip.Value, mac.Value, state, replace: a[0] != "add"));
    }
}
