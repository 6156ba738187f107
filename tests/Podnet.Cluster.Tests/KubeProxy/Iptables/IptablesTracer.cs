using System.Net;
using Podnet.Cluster.KubeProxy;

namespace Podnet.Cluster.Tests.KubeProxy.Iptables;

/// <summary>
/// A re-implementation of upstream's test-only <c>iptablesTracer</c> (pkg/proxy/iptables/proxier_test.go):
/// runs a NEW connection through nat KUBE-SERVICES, then (with the DNAT destination) filter
/// KUBE-SERVICES, KUBE-EXTERNAL-SERVICES, KUBE-NODEPORTS and KUBE-PROXY-FIREWALL, following every
/// probabilistic branch; <c>recent --rcheck</c>, <c>mark</c> and <c>conntrack</c> matches never
/// match. A test oracle for the packet-flow vectors, not the emulated kernel.
/// </summary>
internal sealed class IptablesTracer
{
    private readonly Dictionary<(string Table, string Chain), List<List<string>>> _rules = new();
    private readonly HashSet<string> _nodeIPs;
    private readonly List<string> _outputs = [];
    private bool _masq;

    public IptablesTracer(string restoreText, IEnumerable<string> nodeIPs)
    {
        _nodeIPs = new HashSet<string>(nodeIPs);
        string table = "";
        foreach (var line in restoreText.Split('\n'))
        {
            if (line.StartsWith('*')) table = line[1..];
            else if (line.StartsWith(':')) _rules.TryAdd((table, line[1..line.IndexOf(' ')]), []);
            else if (line.StartsWith("-A ", StringComparison.Ordinal))
            {
                var tokens = Tokenize(line);
                _rules[(table, tokens[1])].Add(tokens.Skip(2).ToList());
            }
        }
    }

    private static List<string> Tokenize(string line)
    {
        var tokens = new List<string>();
        int i = 0;
        while (i < line.Length)
        {
            if (line[i] == ' ') { i++; continue; }
            if (line[i] == '"')
            {
                int end = line.IndexOf('"', i + 1);
                tokens.Add(line[(i + 1)..end]);
                i = end + 1;
            }
            else
            {
                int end = line.IndexOf(' ', i);
                if (end < 0) end = line.Length;
                tokens.Add(line[i..end]);
                i = end;
            }
        }
        return tokens;
    }

    /// <summary>Upstream <c>tracePacket</c>: outputs joined by ", " and whether the packet was marked for masquerade.</summary>
    public (string Output, bool Masq) Trace(string sourceIP, string protocol, string destIP, string destPort)
    {
        RunChain("nat", "KUBE-SERVICES", sourceIP, protocol, destIP, destPort);
        if (_outputs.Count != 0) destIP = _outputs[0][.._outputs[0].LastIndexOf(':')].Trim('[', ']');
        foreach (var chain in (ReadOnlySpan<string>)["KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-NODEPORTS", "KUBE-PROXY-FIREWALL"])
            RunChain("filter", chain, sourceIP, protocol, destIP, destPort);
        return (string.Join(", ", _outputs), _masq);
    }

    private bool AddressMatches(string ip, string spec)
    {
        var a = IPAddress.Parse(ip);
        return spec.Contains('/')
            ? IpParsing.TryParseCidrSloppy(spec, out var n) && n.BaseAddress.AddressFamily == a.AddressFamily && n.Contains(a)
            : IPAddress.Parse(spec).Equals(a);
    }

    private bool Matches(List<string> t, string sourceIP, string protocol, string destIP, string destPort, out string? target, out string? toDestination, out bool probabilistic)
    {
        target = null; toDestination = null; probabilistic = false;
        bool negate = false;
        for (int i = 0; i < t.Count; i++)
        {
            string tok = t[i];
            bool ok = true;
            switch (tok)
            {
                case "!": negate = true; continue;
                case "-s": ok = AddressMatches(sourceIP, t[++i]); break;
                case "-d": ok = AddressMatches(destIP, t[++i]); break;
                case "-p": ok = t[++i] == protocol; break;
                case "--dport": ok = t[++i] == destPort; break;
                case "--dst-type": ok = t[++i] == "LOCAL" ? _nodeIPs.Contains(destIP) : false; break;
                case "--src-type": ok = t[++i] == "LOCAL" ? _nodeIPs.Contains(sourceIP) : false; break;
                case "--comment": case "--nfacct-name": case "--name": case "--seconds": case "--mode": i++; continue;
                case "--probability": probabilistic = true; i++; continue;
                case "--rcheck": case "--ctstate": case "--mark": return false;
                case "--set": case "--reap": continue;
                case "-m": i++; continue;
                case "-j": target = t[++i]; continue;
                case "--to-destination": toDestination = t[++i]; continue;
                default: throw new InvalidOperationException("tracer does not know " + tok + " in " + string.Join(' ', t));
            }
            if (ok == negate) return false;
            negate = false;
        }
        return true;
    }

    private bool RunChain(string table, string chain, string sourceIP, string protocol, string destIP, string destPort)
    {
        if (!_rules.TryGetValue((table, chain), out var rules)) return false;
        foreach (var rule in rules)
        {
            if (!Matches(rule, sourceIP, protocol, destIP, destPort, out var target, out var toDestination, out var probabilistic)) continue;
            switch (target)
            {
                case null: continue;
                case "KUBE-MARK-MASQ": _masq = true; continue;
                case "ACCEPT": case "REJECT": case "DROP": _outputs.Add(target); return true;
                case "DNAT": _outputs.Add(toDestination!); return true;
                case "RETURN": return false;
                default:
                    if (RunChain(table, target, sourceIP, protocol, destIP, destPort) && !probabilistic) return true;
                    continue;
            }
        }
        return false;
    }
}
