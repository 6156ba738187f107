using System.Text;
using Podnet.Kernel.Links;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Tools;

/// <summary>The <c>bridge</c> tool of iproute2: <c>fdb add|append|replace|del|show</c> and <c>link set ... hairpin</c>.</summary>
public static class BridgeCommand
{
    public static ToolResult Run(World world, NetNamespace? ns, IReadOnlyList<string> argv)
    {
        var a = argv.ToList();
        if (a.Count >= 2 && a[0] == "-n")
        {
            ns = world.GetNamespace(a[1]);
            if (ns == null) return ToolResult.Fail($"Cannot open network namespace \"{a[1]}\": No such file or directory", 255);
            a.RemoveRange(0, 2);
        }
        if (ns == null) return ToolResult.Fail("bridge: no network namespace selected", 255);
        if (a.Count == 0) return ToolResult.Fail("Usage: bridge [ OPTIONS ] OBJECT { COMMAND | help }", 255);
        if (a[0] == "fdb") return Fdb(ns, a.Skip(1).ToList());
        if (a[0] == "link") return LinkCmd(ns, a.Skip(1).ToList());
        return ToolResult.Fail($"Object \"{a[0]}\" is unknown, try \"bridge help\".", 255);
    }

    private static ToolResult LinkCmd(NetNamespace ns, List<string> a)
    {
        if (a.Count == 0 || a[0] == "show")
        {
            var sb = new StringBuilder();
            foreach (var d in ns.Devices.Where(d => d.Master != null).OrderBy(d => d.Index))
                sb.Append($"{d.Index}: {d.Name}: <{IpCommand.Flags(d)}> mtu {d.Mtu} master {d.Master!.Name} state {(d.IsUp ? "forwarding" : "disabled")} priority 32 cost 2 \n");
            return ToolResult.Ok(sb.ToString());
        }
        if (a[0] != "set") return ToolResult.Fail($"Command \"{a[0]}\" is unknown, try \"bridge link help\".", 255);
        NetDevice? dev = null;
        for (int i = 1; i < a.Count; i++)
        {
            switch (a[i])
            {
                case "dev":
                    if (++i >= a.Count) return ToolResult.Fail("Command line is not complete.", 255);
                    dev = ns.GetDevice(a[i]);
                    if (dev == null) return ToolResult.Fail($"Cannot find device \"{a[i]}\"", 1);
                    break;
                case "hairpin" or "learning" or "flood":
                    if (dev == null || ++i >= a.Count) return ToolResult.Fail("Device is a required argument.", 255);
                    bool on = a[i] == "on";
                    if (a[i - 1] == "hairpin") dev.PortSettings.Hairpin = on;
                    else if (a[i - 1] == "learning") dev.PortSettings.Learning = on;
                    else dev.PortSettings.Flood = on;
                    break;
                default:
                    return ToolResult.Fail($"Unknown option \"{a[i]}\"", 255);
            }
        }
        return ToolResult.Ok();
    }

    private static ToolResult Fdb(NetNamespace ns, List<string> a)
    {
        if (a.Count == 0 || a[0] is "show" or "list") return ToolResult.Ok(Show(ns, a.Skip(1).ToList()));
        if (a[0] is not ("add" or "append" or "replace" or "del" or "delete"))
            return ToolResult.Fail($"Command \"{a[0]}\" is unknown, try \"bridge fdb help\".", 255);
        MacAddress? mac = null;
        NetDevice? dev = null;
        uint dst = 0;
        for (int i = 1; i < a.Count; i++)
        {
            switch (a[i])
            {
                case "dev":
                    if (++i >= a.Count) return ToolResult.Fail("Command line is not complete.", 255);
                    dev = ns.GetDevice(a[i]);
                    if (dev == null) return ToolResult.Fail($"Cannot find device \"{a[i]}\"", 1);
                    break;
                case "dst":
                    if (++i >= a.Count || !Ipv4Address.TryParse(a[i], out dst)) return ToolResult.Fail($"Invalid address \"{(i < a.Count ? a[i] : "")}\"", 255);
                    break;
                case "self" or "master" or "static" or "permanent" or "dynamic" or "local": break;
                case "vlan" or "port" or "vni" or "via":
                    i++;
                    break;
                default:
                    if (!MacAddress.TryParse(a[i], out var m)) return ToolResult.Fail($"Invalid mac address {a[i]}", 255);
                    mac = m;
                    break;
            }
        }
        if (dev == null || mac == null) return ToolResult.Fail("Device and address are required arguments.", 255);
        if (dev is Vxlan vx)
        {
            switch (a[0])
            {
                case "add":
                    if (dst == 0) return ToolResult.Fail("RTNETLINK answers: Invalid argument", 2);
                    return vx.Add(mac.Value, dst) ? ToolResult.Ok() : ToolResult.Fail("RTNETLINK answers: File exists", 2);
                case "append":
                    if (dst == 0) return ToolResult.Fail("RTNETLINK answers: Invalid argument", 2);
                    return vx.Append(mac.Value, dst) ? ToolResult.Ok() : ToolResult.Fail("RTNETLINK answers: File exists", 2);
                case "replace":
                    vx.Replace(mac.Value, dst);
                    return ToolResult.Ok();
                default:
                    return vx.Delete(mac.Value) ? ToolResult.Ok() : ToolResult.Fail("RTNETLINK answers: No such file or directory", 2);
            }
        }
        if (dev.Master is { } br)
        {
            if (a[0] is "del" or "delete") return ToolResult.Fail("RTNETLINK answers: Operation not supported", 2);
            br.AddStatic(mac.Value, dev);
            return ToolResult.Ok();
        }
        return ToolResult.Fail("RTNETLINK answers: Operation not supported", 2);
    }

    private static string Show(NetNamespace ns, List<string> a)
    {
        string? onlyDev = null, onlyBr = null;
        for (int i = 0; i + 1 < a.Count; i++)
        {
            if (a[i] == "dev") onlyDev = a[++i];
            else if (a[i] == "br") onlyBr = a[++i];
        }
        var sb = new StringBuilder();
        foreach (var d in ns.Devices.OrderBy(d => d.Index))
        {
            if (onlyDev != null && d.Name != onlyDev) continue;
            if (d is Vxlan vx)
            {
                if (onlyBr != null && vx.Master?.Name != onlyBr) continue;
                foreach (var e in vx.Fdb.OrderBy(e => e.Mac != MacAddress.Zero ? 0 : 1))
                    sb.Append($"{e.Mac} dev {vx.Name} dst {Ipv4Address.Format(e.Destination)} self{(e.Permanent ? " permanent" : " ")}\n");
            }
            Bridge? owner = d as Bridge ?? d.Master;
            if (owner == null || (onlyBr != null && owner.Name != onlyBr)) continue;
            foreach (var e in owner.Fdb.Where(e => e.Port == d).OrderBy(e => e.IsLocal ? 1 : 0))
            {
                sb.Append($"{e.Mac} dev {d.Name} master {owner.Name}");
                sb.Append(e.IsLocal ? " permanent" : e.IsStatic ? " static" : " ").Append('\n');
            }
            if (d is Bridge b && !b.Ports.Any(p => p.Mac == b.Mac))
                sb.Append($"{b.Mac} dev {b.Name} master {b.Name} permanent\n");
        }
        return sb.ToString();
    }
}
