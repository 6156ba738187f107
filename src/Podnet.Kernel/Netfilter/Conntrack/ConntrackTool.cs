using System.Globalization;
using System.Text;

namespace Podnet.Kernel.Netfilter.Conntrack;

/// <summary>The <c>conntrack</c> command (conntrack-tools 1.4.7): <c>-L</c>, <c>-D</c>, <c>-F</c>, <c>-C</c> with filters.</summary>
internal static class ConntrackTool
{
    public const string Banner = "conntrack v1.4.7 (conntrack-tools): ";

    public static ToolResult Run(ConntrackTable table, IReadOnlyList<string> args, TimeSpan now)
    {
        string? command = null;
        var f = new ConntrackFilter();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string Next()
            {
                if (i + 1 >= args.Count) throw new ConntrackUsageException($"option `{a}' requires an argument");
                return args[++i];
            }
            switch (a)
            {
                case "-L" or "--dump": command = "L"; break;
                case "-D" or "--delete": command = "D"; break;
                case "-F" or "--flush": command = "F"; break;
                case "-C" or "--count": command = "C"; break;
                case "-p" or "--proto" or "--protonum":
                    var pn = Next();
                    f = f with { Protocol = pn switch { "tcp" => 6, "udp" => 17, "icmp" => 1, "sctp" => 132, _ => byte.TryParse(pn, out var b) ? b : throw new ConntrackUsageException($"unknown protocol `{pn}'") } };
                    break;
                case "-s" or "--orig-src" or "--src": f = f with { OriginalSource = Addr(Next()) }; break;
                case "-d" or "--orig-dst" or "--dst": f = f with { OriginalDestination = Addr(Next()) }; break;
                case "-r" or "--reply-src": f = f with { ReplySource = Addr(Next()) }; break;
                case "-q" or "--reply-dst": f = f with { ReplyDestination = Addr(Next()) }; break;
                case "--sport" or "--orig-port-src": f = f with { OriginalSourcePort = Port(Next()) }; break;
                case "--dport" or "--orig-port-dst": f = f with { OriginalDestinationPort = Port(Next()) }; break;
                case "--reply-port-src": f = f with { ReplySourcePort = Port(Next()) }; break;
                case "--reply-port-dst": f = f with { ReplyDestinationPort = Port(Next()) }; break;
                case "-m" or "--mark": f = f with { Mark = ParseUInt(Next()) }; break;
                case "-n" or "--src-nat": f = f with { SourceNat = true }; break;
                case "-g" or "--dst-nat": f = f with { DestinationNat = true }; break;
                case "-f" or "--family": Next(); break;
                default: throw new ConntrackUsageException($"unknown option `{a}'");
            }
        }
        command ??= "L";
        var sb = new StringBuilder();
        switch (command)
        {
            case "L":
                var list = table.Entries(now).Where(f.Matches).ToList();
                foreach (var e in list) sb.Append(ConntrackTable.Format(e, now)).Append('\n');
                return ToolResult.Ok(sb.ToString(), Banner + list.Count.ToString(CultureInfo.InvariantCulture) + " flow entries have been shown.\n");
            case "D":
                var gone = table.Delete(f, now);
                foreach (var e in gone) sb.Append(ConntrackTable.Format(e, now)).Append('\n');
                if (gone.Count == 0) return new ToolResult(1, "", Banner + "0 flow entries have been deleted.\n");
                return ToolResult.Ok(sb.ToString(), Banner + gone.Count.ToString(CultureInfo.InvariantCulture) + " flow entries have been deleted.\n");
            case "F":
                table.Flush();
                return ToolResult.Ok("", Banner + "connection tracking table has been emptied.\n");
            default:
                return ToolResult.Ok(table.Entries(now).Count(f.Matches).ToString(CultureInfo.InvariantCulture) + "\n");
        }
    }

    private static uint Addr(string s) => Ipv4.TryParse(s, out var a) ? a : throw new ConntrackUsageException($"Bad parameter `{s}'");

    private static ushort Port(string s) => ushort.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : throw new ConntrackUsageException($"Bad parameter `{s}'");

    internal static uint ParseUInt(string s)
    {
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && uint.TryParse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var h)) return h;
        if (uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var d)) return d;
        throw new ConntrackUsageException($"Bad parameter `{s}'");
    }
}

/// <summary>A bad <c>conntrack</c> command line.</summary>
internal sealed class ConntrackUsageException(string message) : Exception(message);
