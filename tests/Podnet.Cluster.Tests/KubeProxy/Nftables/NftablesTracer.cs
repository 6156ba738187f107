using System.Net;
using System.Text.RegularExpressions;
using Podnet.Cluster.KubeProxy;

namespace Podnet.Cluster.Tests.KubeProxy.Nftables;

/// <summary>
/// A re-implementation of upstream's test-only <c>nftablesTracer</c> (pkg/proxy/nftables/helpers_test.go):
/// follows a NEW connection through the kube-proxy table by recognising the rule shapes kube-proxy
/// writes, following every numgen branch. Used for the packet-flow vectors; it is a test oracle,
/// not the emulated kernel.
/// </summary>
internal sealed partial class NftablesTracer(FakeNftTable table, IEnumerable<string> nodeIPs)
{
    private readonly HashSet<string> _nodeIPs = new(nodeIPs);
    private readonly List<string> _outputs = [];
    private bool _masq;

    [GeneratedRegex(@" *comment ""[^""]*""$|^ct state new")] private static partial Regex Ignored();
    [GeneratedRegex(@"^ip6* daddr @(\S+)")] private static partial Regex DestIPOnlyLookup();
    [GeneratedRegex(@"^ip6* daddr \. meta l4proto \. th dport vmap @(\S+)$")] private static partial Regex DestDispatch();
    [GeneratedRegex(@"^meta l4proto \. th dport vmap @(\S+)$")] private static partial Regex DestPortDispatch();
    [GeneratedRegex(@"^ip6* daddr (!= )?\{([^}]*)\}")] private static partial Regex DestAddrLookup();
    [GeneratedRegex(@"^ip6* daddr (!= )?(\S+)")] private static partial Regex DestAddr();
    [GeneratedRegex(@"^fib daddr type local")] private static partial Regex DestLocal();
    [GeneratedRegex(@"^(tcp|udp|sctp) dport (\d+)")] private static partial Regex DestPort();
    [GeneratedRegex(@"^ip6* saddr @(\S+)")] private static partial Regex SourceSetLookup();
    [GeneratedRegex(@"^ip6* saddr (!= )?\{([^}]*)\}")] private static partial Regex SourceAddrLookup();
    [GeneratedRegex(@"^ip6* saddr (!= )?(\S+)")] private static partial Regex SourceAddr();
    [GeneratedRegex(@"^fib saddr type local")] private static partial Regex SourceLocal();
    [GeneratedRegex(@"^numgen random mod \d+ vmap \{(.*)\}$")] private static partial Regex EndpointVmap();
    [GeneratedRegex(@"\d+ : goto (\S+)")] private static partial Regex EndpointVmapEntry();
    [GeneratedRegex(@"^jump mark-for-masquerade")] private static partial Regex Masquerade();
    [GeneratedRegex(@"^(jump|goto) (\S+)$")] private static partial Regex Jump();
    [GeneratedRegex(@"^return$")] private static partial Regex Return();
    [GeneratedRegex(@"^(drop|reject)$")] private static partial Regex Verdict();
    [GeneratedRegex(@"^meta l4proto (tcp|udp|sctp) dnat to (\S+)$")] private static partial Regex Dnat();

    /// <summary>Upstream <c>tracePacket</c>: outputs joined by ", " and whether the packet was marked for masquerade.</summary>
    public (string Output, bool Masq) Trace(string sourceIP, string protocol, string destIP, string destPort)
    {
        if (RunChain("filter-prerouting-pre-dnat", sourceIP, protocol, destIP, destPort)) return (string.Join(", ", _outputs), _masq);
        RunChain("nat-prerouting", sourceIP, protocol, destIP, destPort);
        if (_outputs.Count != 0) destIP = _outputs[0][.._outputs[0].LastIndexOf(':')].Trim('[', ']');
        if (RunChain("filter-forward", sourceIP, protocol, destIP, destPort)) return (string.Join(", ", _outputs), _masq);
        RunChain("filter-input", sourceIP, protocol, destIP, destPort);
        return (string.Join(", ", _outputs), _masq);
    }

    private static bool AddressMatches(string ip, bool wantMatch, string ruleAddress)
    {
        var a = IPAddress.Parse(ip);
        bool match = ruleAddress.Contains('/')
            ? IpParsing.TryParseCidrSloppy(ruleAddress, out var n) && n.BaseAddress.AddressFamily == a.AddressFamily && n.Contains(a)
            : IPAddress.Parse(ruleAddress).Equals(a);
        return match == wantMatch;
    }

    private static bool AddressMatchesSet(string ip, bool wantMatch, string set)
    {
        foreach (var address in set.Replace(" ", "").Split(','))
            if (AddressMatches(ip, true, address) != wantMatch) return false;
        return true;
    }

    private bool RunChain(string chain, string sourceIP, string protocol, string destIP, string destPort)
    {
        var rules = table.RulesOf(chain) ?? throw new InvalidOperationException("unknown chain " + chain);
        foreach (var ruleText in rules)
        {
            var rule = Ignored().Replace(ruleText, "");
            while (rule.Length > 0)
            {
                rule = rule.TrimStart(' ');
                Match m;
                if ((m = DestIPOnlyLookup().Match(rule)).Success)
                {
                    rule = rule[m.Length..];
                    if (!table.ElementsOf(m.Groups[1].Value).Any(e => e.Key[0] == destIP)) rule = "";
                }
                else if ((m = DestDispatch().Match(rule)).Success)
                {
                    var e = table.ElementsOf(m.Groups[1].Value).FirstOrDefault(e => e.Key.Length == 3 && e.Key[0] == destIP && e.Key[1] == protocol && e.Key[2] == destPort);
                    rule = e.Key is null ? "" : e.Value!;
                }
                else if ((m = DestPortDispatch().Match(rule)).Success)
                {
                    var e = table.ElementsOf(m.Groups[1].Value).FirstOrDefault(e => e.Key.Length == 2 && e.Key[0] == protocol && e.Key[1] == destPort);
                    rule = e.Key is null ? "" : e.Value!;
                }
                else if ((m = DestAddrLookup().Match(rule)).Success)
                {
                    rule = rule[m.Length..];
                    if (!AddressMatchesSet(destIP, m.Groups[1].Value != "!= ", m.Groups[2].Value)) rule = "";
                }
                else if ((m = DestAddr().Match(rule)).Success)
                {
                    rule = rule[m.Length..];
                    if (!AddressMatches(destIP, m.Groups[1].Value != "!= ", m.Groups[2].Value)) rule = "";
                }
                else if ((m = DestLocal().Match(rule)).Success)
                {
                    rule = rule[m.Length..];
                    if (!_nodeIPs.Contains(destIP)) rule = "";
                }
                else if ((m = DestPort().Match(rule)).Success)
                {
                    rule = rule[m.Length..];
                    if (protocol != m.Groups[1].Value || destPort != m.Groups[2].Value) rule = "";
                }
                else if ((m = SourceSetLookup().Match(rule)).Success)
                {
                    // Affinity sets are empty for a new connection.
                    rule = "";
                }
                else if ((m = SourceAddrLookup().Match(rule)).Success)
                {
                    rule = rule[m.Length..];
                    if (!AddressMatchesSet(sourceIP, m.Groups[1].Value != "!= ", m.Groups[2].Value)) rule = "";
                }
                else if ((m = SourceAddr().Match(rule)).Success)
                {
                    rule = rule[m.Length..];
                    if (!AddressMatches(sourceIP, m.Groups[1].Value != "!= ", m.Groups[2].Value)) rule = "";
                }
                else if ((m = SourceLocal().Match(rule)).Success)
                {
                    rule = rule[m.Length..];
                    if (!_nodeIPs.Contains(sourceIP)) rule = "";
                }
                else if ((m = Masquerade().Match(rule)).Success)
                {
                    rule = rule[m.Length..];
                    _masq = true;
                }
                else if ((m = Jump().Match(rule)).Success)
                {
                    rule = "";
                    if (RunChain(m.Groups[2].Value, sourceIP, protocol, destIP, destPort)) return true;
                    if (m.Groups[1].Value == "goto") return false;
                }
                else if ((m = Verdict().Match(rule)).Success)
                {
                    _outputs.Add(m.Groups[1].Value.ToUpperInvariant());
                    return true;
                }
                else if (Return().IsMatch(rule))
                {
                    return false;
                }
                else if ((m = Dnat().Match(rule)).Success)
                {
                    _outputs.Add(m.Groups[2].Value);
                    return true;
                }
                else if ((m = EndpointVmap().Match(rule)).Success)
                {
                    foreach (Match entry in EndpointVmapEntry().Matches(m.Groups[1].Value))
                        RunChain(entry.Groups[1].Value, sourceIP, protocol, destIP, destPort);
                    return true;
                }
                else if (rule.StartsWith("update @", StringComparison.Ordinal))
                {
                    rule = rule[(rule.IndexOf('}') + 1)..];
                }
                else throw new InvalidOperationException("unmatched rule: " + ruleText);
            }
        }
        return false;
    }
}
