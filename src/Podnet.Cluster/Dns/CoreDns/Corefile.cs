using System.Globalization;
using System.Net;
using System.Text;
using Podnet.Cluster.Dns.Wire;

namespace Podnet.Cluster.Dns.CoreDns;

/// <summary>One directive line of a Corefile: plugin name, arguments and an optional <c>{ }</c> block of
/// sub-directives.</summary>
public sealed record CorefileDirective(string Name, IReadOnlyList<string> Args, IReadOnlyList<CorefileDirective> Block, int Line);

/// <summary>A bad Corefile, with CoreDNS's message form (<c>Corefile:LINE - Error during parsing: ...</c>).</summary>
public sealed class CorefileException(string message) : Exception(message);

/// <summary>One server block: its keys (<c>.:53</c>, <c>cluster.local:53</c>, <c>dns://.:53</c>) and directives.</summary>
public sealed record CorefileServerBlock(IReadOnlyList<string> Keys, IReadOnlyList<CorefileDirective> Directives)
{
    /// <summary>The zones of the keys, absolute and lower-case.</summary>
    public IReadOnlyList<string> Zones => Keys.Select(k => ParseKey(k).Zone).ToList();

    /// <summary>The port of the first key (53 when absent).</summary>
    public int Port => Keys.Count == 0 ? 53 : ParseKey(Keys[0]).Port;

    /// <summary>Splits <c>[dns://]zone[:port]</c>.</summary>
    public static (string Zone, int Port) ParseKey(string key)
    {
        var k = key;
        var scheme = k.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) k = k[(scheme + 3)..];
        var port = 53;
        var colon = k.LastIndexOf(':');
        if (colon >= 0 && int.TryParse(k.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p))
        {
            port = p;
            k = k[..colon];
        }
        if (k.Length == 0) k = ".";
        return (DnsName.Fqdn(k).ToLowerInvariant(), port);
    }

    /// <summary>The first directive named <paramref name="name"/>, or null.</summary>
    public CorefileDirective? Directive(string name) => Directives.FirstOrDefault(d => d.Name == name);

    /// <summary>The <c>kubernetes</c> directive's options, or null when the block has none.</summary>
    public KubernetesPluginOptions? KubernetesOptions()
    {
        var d = Directive("kubernetes");
        if (d is null) return null;
        var zones = d.Args.Count > 0 ? d.Args.Select(NormalizeZone).ToList() : Zones.ToList();
        var o = new KubernetesPluginOptions { Zones = zones };
        foreach (var s in d.Block)
        {
            switch (s.Name)
            {
                case "pods":
                    Need(s, 1);
                    o = o with
                    {
                        Pods = s.Args[0] switch
                        {
                            "disabled" => PodsMode.Disabled,
                            "insecure" => PodsMode.Insecure,
                            "verified" => PodsMode.Verified,
                            _ => throw Error(s, $"Value for pods must be one of: disabled, verified, insecure"),
                        },
                    };
                    break;
                case "namespaces":
                    Need(s, 1, int.MaxValue);
                    o = o with { Namespaces = s.Args.ToList() };
                    break;
                case "ttl":
                    Need(s, 1);
                    if (!uint.TryParse(s.Args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ttl) || ttl > 3600)
                        throw Error(s, $"ttl must be in range [0, 3600]: {s.Args[0]}");
                    o = o with { Ttl = ttl };
                    break;
                case "fallthrough":
                    o = o with { Fallthrough = s.Args.Select(NormalizeZone).ToList() };
                    break;
                case "ignore":
                    Need(s, 1);
                    if (s.Args[0] != "empty_service") throw Error(s, $"unable to parse ignore value: '{s.Args[0]}'");
                    o = o with { IgnoreEmptyService = true };
                    break;
                case "endpoint_pod_names":
                    o = o with { EndpointPodNames = true };
                    break;
                case "noendpoints":
                    o = o with { NoEndpoints = true };
                    break;
                case "endpoint" or "tls" or "kubeconfig" or "namespace_labels" or "labels" or "startup_timeout"
                    or "apiserver_qps" or "apiserver_burst" or "apiserver_max_inflight" or "multicluster":
                    // API-server connection settings: Podnet's CoreDNS reads the cluster store directly.
                    break;
                default:
                    throw Error(s, $"unknown property '{s.Name}'");
            }
        }
        return o;
    }

    internal static string NormalizeZone(string z) => ParseKey(z).Zone;

    internal static void Need(CorefileDirective d, int min, int max = -1)
    {
        if (max < 0) max = min;
        if (d.Args.Count < min || d.Args.Count > max)
            throw Error(d, $"Wrong argument count or unexpected line ending after '{(d.Args.Count > 0 ? d.Args[^1] : d.Name)}'");
    }

    internal static CorefileException Error(CorefileDirective d, string message) =>
        new($"Corefile:{d.Line} - Error during parsing: {message}");
}

/// <summary>A parsed Corefile (the Caddyfile syntax CoreDNS reads from the <c>coredns</c> ConfigMap): server blocks
/// of keys and directives, <c>{ }</c> blocks, <c>#</c> comments, double-quoted tokens.</summary>
public sealed class Corefile
{
    /// <summary>Plugins Podnet's CoreDNS knows. Others are refused as CoreDNS refuses unknown directives.</summary>
    public static readonly IReadOnlySet<string> KnownPlugins = new HashSet<string>
    {
        "errors", "log", "health", "ready", "kubernetes", "prometheus", "forward", "cache", "loop", "reload",
        "loadbalance", "hosts", "rewrite", "debug", "whoami",
    };

    /// <summary>The server blocks in file order.</summary>
    public required IReadOnlyList<CorefileServerBlock> ServerBlocks { get; init; }

    /// <summary>The source text.</summary>
    public required string Text { get; init; }

    private sealed record Token(string Text, int Line, bool Quoted, bool NewLineBefore);

    /// <summary>Parses Corefile text; throws <see cref="CorefileException"/> with CoreDNS's message form.</summary>
    public static Corefile Parse(string text)
    {
        var tokens = Tokenize(text);
        var pos = 0;
        var blocks = new List<CorefileServerBlock>();
        while (pos < tokens.Count)
        {
            var keys = new List<string>();
            while (pos < tokens.Count && !(tokens[pos].Text == "{" && !tokens[pos].Quoted))
            {
                foreach (var k in tokens[pos].Text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) keys.Add(k);
                pos++;
            }
            if (pos >= tokens.Count) throw new CorefileException($"Corefile:{tokens[^1].Line} - Error during parsing: Unexpected EOF, expecting '{{'");
            var open = tokens[pos++];
            var directives = ParseBlock(tokens, ref pos, open.Line);
            foreach (var d in directives)
            {
                if (!KnownPlugins.Contains(d.Name))
                    throw new CorefileException($"Corefile:{d.Line} - Error during parsing: Unknown directive '{d.Name}'");
            }
            blocks.Add(new CorefileServerBlock(keys, directives));
        }
        return new Corefile { ServerBlocks = blocks, Text = text };
    }

    private static List<CorefileDirective> ParseBlock(List<Token> tokens, ref int pos, int openLine)
    {
        var result = new List<CorefileDirective>();
        while (true)
        {
            if (pos >= tokens.Count) throw new CorefileException($"Corefile:{openLine} - Error during parsing: Unexpected EOF, missing '}}'");
            var t = tokens[pos];
            if (t.Text == "}" && !t.Quoted)
            {
                pos++;
                return result;
            }
            var name = tokens[pos++];
            var args = new List<string>();
            List<CorefileDirective> block = [];
            while (pos < tokens.Count && !tokens[pos].NewLineBefore)
            {
                var a = tokens[pos];
                if (a.Text == "}" && !a.Quoted) break;
                if (a.Text == "{" && !a.Quoted)
                {
                    pos++;
                    block = ParseBlock(tokens, ref pos, a.Line);
                    break;
                }
                args.Add(a.Text);
                pos++;
            }
            result.Add(new CorefileDirective(name.Text, args, block, name.Line));
        }
    }

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var line = 1;
        var newline = true;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n') { line++; newline = true; i++; continue; }
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '#')
            {
                while (i < text.Length && text[i] != '\n') i++;
                continue;
            }
            var sb = new StringBuilder();
            var startLine = line;
            var quoted = false;
            if (c == '"')
            {
                quoted = true;
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == '"') i++;
                    if (text[i] == '\n') line++;
                    sb.Append(text[i++]);
                }
                if (i >= text.Length) throw new CorefileException($"Corefile:{startLine} - Error during parsing: unterminated quoted string");
                i++;
            }
            else if (c is '{' or '}')
            {
                sb.Append(c);
                i++;
            }
            else
            {
                // Braces glued to a word are part of it, as in Caddy; blocks need whitespace around their braces.
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != '#') sb.Append(text[i++]);
            }
            tokens.Add(new Token(sb.ToString(), startLine, quoted, newline));
            newline = false;
        }
        return tokens;
    }

    /// <summary>The kubeadm default Corefile (reference §1.14) for a cluster domain.</summary>
    public static string KubeadmDefault(string clusterDomain = "cluster.local") => $$"""
        .:53 {
            errors
            health {
               lameduck 5s
            }
            ready
            kubernetes {{clusterDomain}} in-addr.arpa ip6.arpa {
               pods insecure
               fallthrough in-addr.arpa ip6.arpa
               ttl 30
            }
            prometheus :9153
            forward . /etc/resolv.conf {
               max_concurrent 1000
            }
            cache 30 {
               disable success {{clusterDomain}}
               disable denial {{clusterDomain}}
            }
            loop
            reload
            loadbalance
        }

        """;

    /// <summary>Parses an IP literal or returns null.</summary>
    internal static IPAddress? Ip(string s) => IPAddress.TryParse(s, out var ip) ? ip : null;
}
