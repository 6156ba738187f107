using System.Globalization;
using System.Net;
using System.Text;

namespace Podnet.Cluster.Dns.Resolver;

/// <summary>A parsed <c>/etc/resolv.conf</c> (resolv.conf(5)) with glibc's rules: at most 3 <c>nameserver</c> lines
/// are used (MAXNS), <c>domain</c> and <c>search</c> are mutually exclusive and the last one wins, comments start
/// with <c>#</c> or <c>;</c>, <c>options</c> accumulate (<c>ndots:n</c> capped at 15, <c>timeout:n</c> at 30,
/// <c>attempts:n</c> at 5). Unknown options are kept in <see cref="Options"/> and ignored.</summary>
public sealed record ResolvConf
{
    /// <summary>glibc's MAXNS.</summary>
    public const int MaxNameservers = 3;

    /// <summary>Name servers in order.</summary>
    public IReadOnlyList<IPAddress> Nameservers { get; init; } = [];

    /// <summary>Search domains in order, without trailing dots.</summary>
    public IReadOnlyList<string> Search { get; init; } = [];

    /// <summary><c>ndots</c> (default 1).</summary>
    public int Ndots { get; init; } = 1;

    /// <summary><c>timeout</c> in seconds (default 5).</summary>
    public int TimeoutSeconds { get; init; } = 5;

    /// <summary><c>attempts</c> (default 2).</summary>
    public int Attempts { get; init; } = 2;

    /// <summary><c>rotate</c>: round-robin the name servers.</summary>
    public bool Rotate { get; init; }

    /// <summary><c>single-request</c>: A and AAAA one after the other instead of in parallel.</summary>
    public bool SingleRequest { get; init; }

    /// <summary><c>single-request-reopen</c>: a new socket for the second query.</summary>
    public bool SingleRequestReopen { get; init; }

    /// <summary><c>use-vc</c>: TCP for every query.</summary>
    public bool UseVc { get; init; }

    /// <summary><c>edns0</c>: add an OPT record to queries.</summary>
    public bool Edns0 { get; init; }

    /// <summary>Every option word as written, in order (what kubelet merges by name).</summary>
    public IReadOnlyList<string> Options { get; init; } = [];

    /// <summary>Lines or entries ignored while parsing, with the reason (e.g. a fourth nameserver).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The usual kubelet ClusterFirst configuration for a pod in <paramref name="ns"/>.</summary>
    public static ResolvConf ClusterFirst(IPAddress clusterDns, string ns, string clusterDomain = "cluster.local", params string[] hostSearch) => new()
    {
        Nameservers = [clusterDns],
        Search = [$"{ns}.svc.{clusterDomain}", $"svc.{clusterDomain}", clusterDomain, .. hostSearch],
        Ndots = 5,
        Options = ["ndots:5"],
    };

    /// <summary>Parses resolv.conf text. Never fails: like glibc, malformed lines are skipped (and listed in
    /// <see cref="Warnings"/>).</summary>
    public static ResolvConf Parse(string text)
    {
        var ns = new List<IPAddress>();
        List<string> search = [];
        var options = new List<string>();
        var warnings = new List<string>();
        int ndots = 1, timeout = 5, attempts = 2;
        bool rotate = false, single = false, reopen = false, vc = false, edns0 = false;
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0) continue;
            switch (words[0])
            {
                case "nameserver":
                    if (words.Length < 2 || !IPAddress.TryParse(words[1].Split('%')[0], out var ip))
                    {
                        warnings.Add($"line {lineNo}: bad nameserver address");
                        break;
                    }
                    if (ns.Count >= MaxNameservers) warnings.Add($"line {lineNo}: more than {MaxNameservers} nameservers, {words[1]} ignored");
                    else ns.Add(ip);
                    break;
                case "domain":
                    search = words.Length >= 2 ? [words[1].TrimEnd('.')] : [];
                    break;
                case "search":
                    search = words.Skip(1).Select(w => w == "." ? "." : w.TrimEnd('.')).ToList();
                    break;
                case "options":
                    foreach (var o in words.Skip(1))
                    {
                        options.Add(o);
                        var (name, value) = o.IndexOf(':') is var c and >= 0 ? (o[..c], o[(c + 1)..]) : (o, "");
                        switch (name)
                        {
                            case "ndots": ndots = Math.Min(15, ParseNonNegative(value, ndots)); break;
                            case "timeout": timeout = Math.Clamp(ParseNonNegative(value, timeout), 1, 30); break;
                            case "attempts": attempts = Math.Clamp(ParseNonNegative(value, attempts), 1, 5); break;
                            case "rotate": rotate = true; break;
                            case "single-request": single = true; break;
                            case "single-request-reopen": reopen = true; break;
                            case "use-vc": vc = true; break;
                            case "edns0": edns0 = true; break;
                        }
                    }
                    break;
                default:
                    // sortlist and unknown keywords: ignored, as glibc does.
                    break;
            }
        }
        return new ResolvConf
        {
            Nameservers = ns, Search = search, Ndots = ndots, TimeoutSeconds = timeout, Attempts = attempts, Rotate = rotate,
            SingleRequest = single, SingleRequestReopen = reopen, UseVc = vc, Edns0 = edns0, Options = options, Warnings = warnings,
        };
    }

    private static int ParseNonNegative(string s, int fallback) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : fallback;

    /// <summary>The file text as kubelet writes it: <c>search</c>, <c>nameserver</c> lines, <c>options</c>.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        if (Search.Count > 0) sb.Append("search ").Append(string.Join(' ', Search)).Append('\n');
        foreach (var n in Nameservers) sb.Append("nameserver ").Append(n).Append('\n');
        if (Options.Count > 0) sb.Append("options ").Append(string.Join(' ', Options)).Append('\n');
        return sb.ToString();
    }
}
