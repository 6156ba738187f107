using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Podnet.Cluster.Dns.Wire;
using Podnet.Kernel.Simulation;

namespace Podnet.Cluster.Dns.CoreDns;

/// <summary>Per-request state shared by the plugins of one chain run.</summary>
internal sealed record ChainContext(DnsClusterView View, Func<string, DnsRecordType, DnsMessage?> Upstream);

/// <summary>A plugin in a server block's chain (CoreDNS <c>plugin.Handler</c>): answers, or calls <c>next</c>.
/// Null means nobody answered (the server then sends SERVFAIL, as CoreDNS's <c>NextOrFailure</c> does).</summary>
internal abstract class ChainPlugin
{
    public abstract DnsMessage? Serve(DnsMessage query, Func<DnsMessage, DnsMessage?> next, ChainContext ctx);
}

/// <summary><c>kubernetes</c>.</summary>
internal sealed class KubernetesChainPlugin(KubernetesPlugin plugin) : ChainPlugin
{
    public KubernetesPlugin Plugin => plugin;

    public override DnsMessage? Serve(DnsMessage query, Func<DnsMessage, DnsMessage?> next, ChainContext ctx) =>
        plugin.Answer(query, ctx.View, (n, t) => ctx.Upstream(n, t)) ?? next(query);
}

/// <summary><c>forward FROM TO...</c>: names under FROM go to the forwarder; without an answer, SERVFAIL.</summary>
internal sealed class ForwardChainPlugin(string from, IReadOnlyList<string> to, IReadOnlyList<string> except, IDnsForwarder? forwarder) : ChainPlugin
{
    public override DnsMessage? Serve(DnsMessage query, Func<DnsMessage, DnsMessage?> next, ChainContext ctx)
    {
        var qname = query.Questions[0].Name;
        if (!DnsName.IsSubdomainOf(qname, from) || except.Any(e => DnsName.IsSubdomainOf(qname, e))) return next(query);
        var r = forwarder?.Forward(query, to);
        if (r is null) return DnsMessage.ResponseTo(query, DnsRcode.ServFail);
        var copy = new DnsMessage
        {
            Header = r.Header with { Id = query.Header.Id },
            Questions = [.. query.Questions],
            Answers = [.. r.Answers],
            Authority = [.. r.Authority],
            Additional = [.. r.Additional],
        };
        return copy;
    }
}

/// <summary><c>hosts</c> with inline entries (the file form reads nothing: a pod's CoreDNS has no host files).</summary>
internal sealed class HostsChainPlugin : ChainPlugin
{
    private readonly Dictionary<string, List<IPAddress>> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<IPAddress, List<string>> _byAddr = [];
    private readonly IReadOnlyList<string> _zones;
    private readonly uint _ttl = 3600;
    private readonly IReadOnlyList<string>? _fallthrough;
    private readonly bool _noReverse;

    public HostsChainPlugin(CorefileDirective d, IReadOnlyList<string> blockZones)
    {
        _zones = d.Args.Count > 1 ? d.Args.Skip(1).Select(CorefileServerBlock.NormalizeZone).ToList() : blockZones;
        foreach (var s in d.Block)
        {
            switch (s.Name)
            {
                case "ttl":
                    CorefileServerBlock.Need(s, 1);
                    if (!uint.TryParse(s.Args[0], NumberStyles.None, CultureInfo.InvariantCulture, out _ttl) || _ttl == 0 || _ttl > 65535)
                        throw CorefileServerBlock.Error(s, $"ttl provided is invalid: {s.Args[0]}");
                    break;
                case "fallthrough":
                    _fallthrough = s.Args.Select(CorefileServerBlock.NormalizeZone).ToList();
                    break;
                case "no_reverse":
                    _noReverse = true;
                    break;
                case "reload":
                    break;
                default:
                    if (Corefile.Ip(s.Name) is not { } ip)
                        throw CorefileServerBlock.Error(s, $"unknown property '{s.Name}'");
                    foreach (var n in s.Args)
                    {
                        var fq = DnsName.Fqdn(n).ToLowerInvariant();
                        if (!_byName.TryGetValue(fq, out var l)) _byName[fq] = l = [];
                        l.Add(ip);
                        if (!_byAddr.TryGetValue(ip, out var names)) _byAddr[ip] = names = [];
                        names.Add(fq);
                    }
                    break;
            }
        }
    }

    public override DnsMessage? Serve(DnsMessage query, Func<DnsMessage, DnsMessage?> next, ChainContext ctx)
    {
        var q = query.Questions[0];
        if (!_zones.Any(z => DnsName.IsSubdomainOf(q.Name, z))) return next(query);
        var answers = new List<DnsResourceRecord>();
        var known = false;
        if (q.Type == DnsRecordType.PTR && !_noReverse && KubernetesPlugin.AddressFromReverse(q.Name) is { } ip && _byAddr.TryGetValue(ip, out var names))
        {
            known = true;
            answers.AddRange(names.Select(n => DnsResourceRecord.In(q.Name, DnsRecordType.PTR, _ttl, new NameRecordData(n))));
        }
        else if (_byName.TryGetValue(DnsName.Fqdn(q.Name), out var ips))
        {
            known = true;
            var fam = q.Type == DnsRecordType.AAAA ? System.Net.Sockets.AddressFamily.InterNetworkV6 : System.Net.Sockets.AddressFamily.InterNetwork;
            if (q.Type is DnsRecordType.A or DnsRecordType.AAAA)
                answers.AddRange(ips.Where(i => i.AddressFamily == fam).Select(i => DnsResourceRecord.In(q.Name, q.Type, _ttl, DnsAddress.For(i))));
        }
        if (!known || (answers.Count == 0 && _fallthrough is not null))
        {
            if (_fallthrough is { } ft && (ft.Count == 0 || ft.Any(z => DnsName.IsSubdomainOf(q.Name, z)))) return next(query);
            if (!known) return DnsMessage.ResponseTo(query, DnsRcode.NXDomain, authoritative: true);
        }
        var m = DnsMessage.ResponseTo(query, authoritative: true);
        m.Answers.AddRange(answers);
        return m;
    }
}

/// <summary><c>rewrite [continue|stop] name [exact|prefix|suffix|substring|regex] FROM TO [answer auto]</c>: rewrites
/// the question name before the rest of the chain; the response carries the original question again, and with
/// <c>answer auto</c> (or <c>answer name</c>) answer owner names are rewritten back.</summary>
internal sealed class RewriteChainPlugin : ChainPlugin
{
    private readonly List<(string Kind, string From, string To, bool AnswerBack)> _rules = [];

    public void Add(CorefileDirective d)
    {
        var args = d.Args.ToList();
        if (args.Count > 0 && args[0] is "continue" or "stop") args.RemoveAt(0);
        if (args.Count < 3 || args[0] != "name")
            throw CorefileServerBlock.Error(d, "only 'rewrite name ...' rules are supported by Podnet");
        args.RemoveAt(0);
        var kind = "exact";
        if (args[0] is "exact" or "prefix" or "suffix" or "substring" or "regex") { kind = args[0]; args.RemoveAt(0); }
        if (args.Count < 2) throw CorefileServerBlock.Error(d, $"Wrong argument count or unexpected line ending after '{d.Args[^1]}'");
        var answerBack = args.Count >= 4 && args[2] == "answer";
        _rules.Add((kind, args[0], args[1], answerBack));
    }

    public override DnsMessage? Serve(DnsMessage query, Func<DnsMessage, DnsMessage?> next, ChainContext ctx)
    {
        var q = query.Questions[0];
        var original = q.Name;
        foreach (var (kind, from, to, back) in _rules)
        {
            var name = DnsName.Fqdn(original);
            string? rewritten = kind switch
            {
                "exact" => DnsName.NameEquals(name, from) ? DnsName.Fqdn(to) : null,
                "prefix" => name.StartsWith(from, StringComparison.OrdinalIgnoreCase) ? to + name[from.Length..] : null,
                "suffix" => name.EndsWith(DnsName.Fqdn(from), StringComparison.OrdinalIgnoreCase) ? name[..^DnsName.Fqdn(from).Length] + DnsName.Fqdn(to) : null,
                "substring" => name.Contains(from, StringComparison.OrdinalIgnoreCase) ? name.Replace(from, to, StringComparison.OrdinalIgnoreCase) : null,
                _ => Regex.IsMatch(name, from, RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(50))
                    ? DnsName.Fqdn(Regex.Replace(name, from, to.Replace("{", "$").Replace("}", ""), RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(50))) : null,
            };
            if (rewritten is null || !DnsName.TryEncode(rewritten, out _, out _)) continue;
            var rq = new DnsMessage
            {
                Header = query.Header, Questions = [q with { Name = rewritten }], Answers = query.Answers,
                Authority = query.Authority, Additional = query.Additional,
            };
            var r = next(rq);
            if (r is null) return null;
            r.Questions.Clear();
            r.Questions.Add(q);
            if (back)
            {
                for (var i = 0; i < r.Answers.Count; i++)
                    if (DnsName.NameEquals(r.Answers[i].Name, rewritten)) r.Answers[i] = r.Answers[i] with { Name = original };
            }
            return r;
        }
        return next(query);
    }
}

/// <summary><c>cache [TTL] [ZONES]</c> (with <c>disable success|denial ZONES</c>): caches NOERROR and NXDOMAIN
/// responses for the smallest TTL in them capped at TTL (default 3600), serves them with the TTLs counted down on
/// the simulation clock.</summary>
internal sealed class CacheChainPlugin : ChainPlugin
{
    private readonly IClock _clock;
    private readonly uint _maxTtl = 3600;
    private readonly IReadOnlyList<string> _zones;
    private readonly List<string> _noSuccess = [];
    private readonly List<string> _noDenial = [];
    private readonly Dictionary<(string, DnsRecordType, DnsClass, bool), (DnsMessage Msg, TimeSpan Stored, uint Ttl)> _entries = [];
    private const int Capacity = 9984;

    public CacheChainPlugin(CorefileDirective d, IReadOnlyList<string> blockZones, IClock clock)
    {
        _clock = clock;
        var args = d.Args.ToList();
        if (args.Count > 0 && uint.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ttl))
        {
            _maxTtl = ttl;
            args.RemoveAt(0);
        }
        _zones = args.Count > 0 ? args.Select(CorefileServerBlock.NormalizeZone).ToList() : blockZones;
        foreach (var s in d.Block)
        {
            if (s.Name == "disable" && s.Args.Count >= 1)
            {
                var zones = s.Args.Count > 1 ? s.Args.Skip(1).Select(CorefileServerBlock.NormalizeZone).ToList() : _zones.ToList();
                (s.Args[0] == "success" ? _noSuccess : _noDenial).AddRange(zones);
            }
            // success/denial capacities, prefetch, serve_stale, keepttl: accepted, not modelled.
        }
    }

    public int Count => _entries.Count;

    public override DnsMessage? Serve(DnsMessage query, Func<DnsMessage, DnsMessage?> next, ChainContext ctx)
    {
        var q = query.Questions[0];
        if (!_zones.Any(z => DnsName.IsSubdomainOf(q.Name, z))) return next(query);
        var key = (DnsName.ToLowerAscii(q.Name), q.Type, q.Class, query.Edns?.DnssecOk ?? false);
        var now = _clock.Now;
        lock (_entries)
        {
            if (_entries.TryGetValue(key, out var e))
            {
                var age = (uint)Math.Max(0, (now - e.Stored).TotalSeconds);
                if (age < e.Ttl) return FromCache(e.Msg, query, age);
                _entries.Remove(key);
            }
        }
        var r = next(query);
        if (r is null || r.Header.Truncated) return r;
        var denial = r.Header.Rcode == DnsRcode.NXDomain || (r.Header.Rcode == DnsRcode.NoError && r.Answers.Count == 0);
        if (r.Header.Rcode is not (DnsRcode.NoError or DnsRcode.NXDomain)) return r;
        if ((denial ? _noDenial : _noSuccess).Any(z => DnsName.IsSubdomainOf(q.Name, z))) return r;
        var ttls = r.Answers.Concat(r.Authority).Concat(r.Additional).Where(x => x.Type != DnsRecordType.OPT).Select(x => x.Ttl).ToList();
        var min = Math.Min(ttls.Count > 0 ? ttls.Min() : 5u, _maxTtl);
        if (min == 0) return r;
        lock (_entries)
        {
            if (_entries.Count >= Capacity) _entries.Remove(_entries.Keys.First());
            _entries[key] = (r, now, min);
        }
        return r;
    }

    private static DnsMessage FromCache(DnsMessage cached, DnsMessage query, uint age)
    {
        DnsResourceRecord Age(DnsResourceRecord x) => x.Type == DnsRecordType.OPT ? x : x with { Ttl = x.Ttl > age ? x.Ttl - age : 0 };
        return new DnsMessage
        {
            Header = cached.Header with { Id = query.Header.Id, RecursionDesired = query.Header.RecursionDesired },
            Questions = [.. query.Questions],
            Answers = cached.Answers.Select(Age).ToList(),
            Authority = cached.Authority.Select(Age).ToList(),
            Additional = cached.Additional.Select(Age).ToList(),
        };
    }
}

/// <summary><c>loadbalance</c>: rotates the A and AAAA records of each answer (CoreDNS shuffles them randomly;
/// Podnet rotates by one per response so runs are reproducible).</summary>
internal sealed class LoadBalanceChainPlugin : ChainPlugin
{
    private int _turn;

    public override DnsMessage? Serve(DnsMessage query, Func<DnsMessage, DnsMessage?> next, ChainContext ctx)
    {
        var r = next(query);
        if (r is null) return r;
        var idx = r.Answers.Select((a, i) => (a, i)).Where(t => t.a.Type is DnsRecordType.A or DnsRecordType.AAAA).Select(t => t.i).ToList();
        if (idx.Count < 2) return r;
        var shift = Interlocked.Increment(ref _turn) % idx.Count;
        var recs = idx.Select(i => r.Answers[i]).ToList();
        for (var j = 0; j < idx.Count; j++) r.Answers[idx[j]] = recs[(j + shift) % idx.Count];
        return r;
    }
}
