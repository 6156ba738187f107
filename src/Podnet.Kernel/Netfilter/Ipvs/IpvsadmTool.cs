using System.Globalization;
using System.Text;

namespace Podnet.Kernel.Netfilter.Ipvs;

/// <summary>
/// The <c>ipvsadm</c> command: <c>-A/-E/-D</c> services, <c>-a/-e/-d</c> real servers, <c>-C</c>,
/// <c>-L/-l [-n] [-c]</c>, <c>--set</c>. Only masquerading forwarding (<c>-m</c>) is emulated.
/// </summary>
internal static class IpvsadmTool
{
    private static readonly string[] Schedulers = ["rr", "wrr", "lc", "wlc", "sh"];

    public static ToolResult Run(IpvsTable t, IReadOnlyList<string> args)
    {
        try
        {
            return Exec(t, args);
        }
        catch (IpvsException ex)
        {
            return ToolResult.Fail(2, ex.Message + "\n");
        }
    }

    private static (uint, ushort) Endpoint(string s)
    {
        var colon = s.LastIndexOf(':');
        if (colon < 0 || !Ipv4.TryParse(s.AsSpan(0, colon), out var a)
            || !ushort.TryParse(s.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p))
            throw new IpvsException($"Illegal address:port: {s}");
        return (a, p);
    }

    private static ToolResult Exec(IpvsTable t, IReadOnlyList<string> args)
    {
        string? cmd = null;
        byte proto = 0;
        uint vaddr = 0, raddr = 0;
        ushort vport = 0, rport = 0;
        bool hasReal = false, connections = false;
        string sched = "wlc";
        bool schedGiven = false;
        TimeSpan? persistent = null;
        int weight = 1;
        bool weightGiven = false;
        var set = new List<uint>();
        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string Next() => i + 1 < args.Count ? args[++i] : throw new IpvsException($"Option {a} requires an argument");
            switch (a)
            {
                case "-A" or "--add-service" or "-E" or "--edit-service" or "-D" or "--delete-service" or "-C" or "--clear"
                    or "-a" or "--add-server" or "-e" or "--edit-server" or "-d" or "--delete-server" or "-L" or "-l" or "--list" or "-Z" or "--zero":
                    cmd = a.Length == 2 ? a : a switch
                    {
                        "--add-service" => "-A", "--edit-service" => "-E", "--delete-service" => "-D", "--clear" => "-C",
                        "--add-server" => "-a", "--edit-server" => "-e", "--delete-server" => "-d", "--zero" => "-Z", _ => "-L",
                    };
                    if (cmd == "-l") cmd = "-L";
                    break;
                case "-Ln": cmd = "-L"; break;
                case "--set":
                    cmd = "--set";
                    for (int k = 0; k < 3; k++) set.Add(uint.Parse(Next(), CultureInfo.InvariantCulture));
                    break;
                case "-t" or "--tcp-service": proto = 6; (vaddr, vport) = Endpoint(Next()); break;
                case "-u" or "--udp-service": proto = 17; (vaddr, vport) = Endpoint(Next()); break;
                case "-r" or "--real-server": (raddr, rport) = Endpoint(Next()); hasReal = true; break;
                case "-s" or "--scheduler":
                    sched = Next();
                    schedGiven = true;
                    if (Array.IndexOf(Schedulers, sched) < 0) throw new IpvsException("Scheduler not found: ip_vs_" + sched + ".ko");
                    break;
                case "-p" or "--persistent":
                    persistent = TimeSpan.FromSeconds(300);
                    if (i + 1 < args.Count && uint.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var secs)) { persistent = TimeSpan.FromSeconds(secs); i++; }
                    break;
                case "-w" or "--weight":
                    weight = int.Parse(Next(), CultureInfo.InvariantCulture);
                    weightGiven = true;
                    break;
                case "-m" or "--masquerading": break;
                case "-g" or "--gatewaying" or "-i" or "--ipip":
                    throw new IpvsException("Only masquerading forwarding (-m) is emulated");
                case "-n" or "--numeric": break;
                case "-c" or "--connection": connections = true; break;
                default: throw new IpvsException($"Unknown option: {a}");
            }
        }
        if (cmd is null) throw new IpvsException("No command specified");
        IpvsService Svc() => proto == 0 ? throw new IpvsException("Service address not specified")
            : t.Find(proto, vaddr, vport) ?? throw new IpvsException("No such service");
        switch (cmd)
        {
            case "-A":
                if (proto == 0) throw new IpvsException("Service address not specified");
                t.AddService(proto, vaddr, vport, sched, persistent);
                return ToolResult.Ok();
            case "-E":
            {
                var s = Svc();
                if (schedGiven) s.Scheduler = sched;
                s.Persistent = persistent;
                s.ShTable = null;
                return ToolResult.Ok();
            }
            case "-D":
                t.RemoveService(Svc());
                return ToolResult.Ok();
            case "-C":
                t.Clear();
                return ToolResult.Ok();
            case "-a" or "-e" or "-d":
            {
                var s = Svc();
                if (!hasReal) throw new IpvsException("Real server address not specified");
                var r = s.Servers.FirstOrDefault(x => x.Address == raddr && x.Port == rport);
                if (cmd == "-a")
                {
                    if (r is not null) throw new IpvsException("Destination already exists");
                    s.Servers.Add(new IpvsRealServer(raddr, rport, weight));
                }
                else if (r is null) throw new IpvsException("No such destination");
                else if (cmd == "-e") { if (weightGiven) r.Weight = weight; }
                else t.RemoveServer(s, r);
                s.ShTable = null;
                return ToolResult.Ok();
            }
            case "--set":
                if (set[0] != 0) t.TcpTimeout = TimeSpan.FromSeconds(set[0]);
                if (set[1] != 0) t.TcpFinTimeout = TimeSpan.FromSeconds(set[1]);
                if (set[2] != 0) t.UdpTimeout = TimeSpan.FromSeconds(set[2]);
                return ToolResult.Ok();
            case "-Z":
                return ToolResult.Ok();
            default:
                return ToolResult.Ok(connections ? ListConnections(t) : List(t, proto == 0 ? null : Svc()));
        }
    }

    /// <summary><c>ipvsadm -Ln</c>.</summary>
    internal static string List(IpvsTable t, IpvsService? only)
    {
        var sb = new StringBuilder();
        sb.Append("IP Virtual Server version 1.2.1 (size=4096)\n");
        sb.Append("Prot LocalAddress:Port Scheduler Flags\n");
        sb.Append("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
        t.Connections(); // expire
        foreach (var s in t.Services)
        {
            if (only is not null && !ReferenceEquals(s, only)) continue;
            sb.Append(IpvsTable.Proto(s.Protocol).PadRight(4)).Append(' ').Append(Ipv4.Format(s.Address)).Append(':').Append(s.Port)
              .Append(' ').Append(s.Scheduler);
            if (s.Persistent is { } p) sb.Append(" persistent ").Append((long)p.TotalSeconds);
            sb.Append('\n');
            foreach (var r in s.Servers)
            {
                sb.Append("  -> ").Append((Ipv4.Format(r.Address) + ":" + r.Port.ToString(CultureInfo.InvariantCulture)).PadRight(28)).Append(' ')
                  .Append("Masq".PadRight(7)).Append(' ').Append(r.Weight.ToString(CultureInfo.InvariantCulture).PadRight(6)).Append(' ')
                  .Append(r.ActiveConnections.ToString(CultureInfo.InvariantCulture).PadRight(10)).Append(' ')
                  .Append(r.InactiveConnections.ToString(CultureInfo.InvariantCulture).PadRight(10)).Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary><c>ipvsadm -Lnc</c>.</summary>
    private static string ListConnections(IpvsTable t)
    {
        var sb = new StringBuilder("IPVS connection entries\npro expire state       source             virtual            destination\n");
        var now = t.Now;
        foreach (var c in t.Connections())
        {
            var left = c.Expires - now;
            sb.Append(IpvsTable.Proto(c.Protocol).PadRight(3)).Append(' ')
              .Append($"{(int)left.TotalMinutes:00}:{left.Seconds:00}").Append("  ").Append(c.State.PadRight(11)).Append(' ')
              .Append((Ipv4.Format(c.Client) + ":" + c.ClientPort).PadRight(18)).Append(' ')
              .Append((Ipv4.Format(c.VirtualAddress) + ":" + c.VirtualPort).PadRight(18)).Append(' ')
              .Append(Ipv4.Format(c.Server.Address) + ":" + c.Server.Port).Append('\n');
        }
        return sb.ToString();
    }
}
