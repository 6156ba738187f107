using Podnet.Cluster.NetworkPolicies;
using System.Globalization;
using System.Text;
using Podnet.Analysis.NetworkPolicies;

namespace Podnet.Analysis.Output;

/// <summary>
/// Writes the connectivity list in netpol-analyzer's <c>list</c> formats (txt, csv, md, json, dot),
/// byte for byte as its golden files: lines sorted by source then destination name.
/// </summary>
public static class ConnlistFormatter
{
    /// <summary>Parses a format name (<c>txt</c>, <c>csv</c>, <c>md</c>, <c>json</c>, <c>dot</c>).</summary>
    public static bool TryParse(string text, out ConnlistFormat format)
    {
        switch (text.ToLowerInvariant())
        {
            case "txt": format = ConnlistFormat.Txt; return true;
            case "csv": format = ConnlistFormat.Csv; return true;
            case "md": format = ConnlistFormat.Md; return true;
            case "json": format = ConnlistFormat.Json; return true;
            case "dot": format = ConnlistFormat.Dot; return true;
            default: format = ConnlistFormat.Txt; return false;
        }
    }

    /// <summary>
    /// Formats the connections. <paramref name="allWorkloads"/> (for dot) lists every workload so that
    /// workloads without connections still appear as nodes.
    /// </summary>
    public static string Format(IReadOnlyList<PeerConnection> connections, ConnlistFormat format, IEnumerable<WorkloadRef>? allWorkloads = null)
    {
        var sorted = connections.OrderBy(c => c.SourceName, StringComparer.Ordinal).ThenBy(c => c.DestinationName, StringComparer.Ordinal).ToList();
        return format switch
        {
            ConnlistFormat.Txt => Txt(sorted),
            ConnlistFormat.Csv => Csv(sorted),
            ConnlistFormat.Md => Md(sorted),
            ConnlistFormat.Json => Json(sorted),
            _ => Dot(sorted, allWorkloads ?? []),
        };
    }

    private static string Txt(List<PeerConnection> conns)
    {
        var sb = new StringBuilder();
        foreach (var c in conns)
        {
            sb.Append(c.SourceName).Append(" => ").Append(c.DestinationName).Append(" : ").Append(c.Connections.ToString()).Append('\n');
        }

        return sb.ToString();
    }

    private static string Csv(List<PeerConnection> conns)
    {
        var sb = new StringBuilder("src,dst,conn\n");
        foreach (var c in conns)
        {
            sb.Append(CsvField(c.SourceName)).Append(',').Append(CsvField(c.DestinationName)).Append(',').Append(CsvField(c.Connections.ToString())).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>Go encoding/csv quoting: quote when the field holds a comma, quote, CR/LF, or starts with a space.</summary>
    internal static string CsvField(string f)
    {
        if (f.Length == 0 || (f.IndexOfAny([',', '"', '\r', '\n']) < 0 && f[0] != ' ' && f[0] != '\t'))
        {
            return f;
        }

        return "\"" + f.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static string Md(List<PeerConnection> conns)
    {
        var sb = new StringBuilder("| src | dst | conn |\n|-----|-----|------|\n");
        foreach (var c in conns)
        {
            sb.Append("| ").Append(c.SourceName).Append(" | ").Append(c.DestinationName).Append(" | ").Append(c.Connections.ToString()).Append(" |\n");
        }

        return sb.ToString();
    }

    private static string Json(List<PeerConnection> conns)
    {
        if (conns.Count == 0)
        {
            return "[]";
        }

        var sb = new StringBuilder("[\n");
        for (var i = 0; i < conns.Count; i++)
        {
            var c = conns[i];
            sb.Append("  {\n");
            sb.Append("    \"src\": ").Append(GoJsonString(c.SourceName)).Append(",\n");
            sb.Append("    \"dst\": ").Append(GoJsonString(c.DestinationName)).Append(",\n");
            sb.Append("    \"conn\": ").Append(GoJsonString(c.Connections.ToString())).Append('\n');
            sb.Append(i + 1 < conns.Count ? "  },\n" : "  }\n");
        }

        sb.Append(']');
        return sb.ToString();
    }

    /// <summary>A JSON string as Go's encoding/json writes it (HTML-escaping &lt; &gt; &amp;).</summary>
    internal static string GoJsonString(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var ch in s)
        {
            switch (ch)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '<' or '>' or '&':
                    sb.Append("\\u00").Append(((int)ch).ToString("x2", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (ch < 0x20)
                    {
                        sb.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(ch);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    private static string Dot(List<PeerConnection> conns, IEnumerable<WorkloadRef> allWorkloads)
    {
        var nsPeers = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var external = new SortedSet<string>(StringComparer.Ordinal);
        var edges = new List<string>();

        void AddWorkload(WorkloadRef w)
        {
            if (!nsPeers.TryGetValue(w.Namespace, out var set))
            {
                nsPeers[w.Namespace] = set = new SortedSet<string>(StringComparer.Ordinal);
            }

            set.Add($"\t\t\"{w}\" [label=\"{w.Name}[{w.Kind}]\" color=\"blue\" fontcolor=\"blue\"]");
        }

        void AddPeer(Endpoint e)
        {
            if (e.Pod != null)
            {
                AddWorkload(e.Pod.Workload);
            }
            else
            {
                var color = e.IsIngressController ? "blue" : "red2";
                external.Add($"\t\"{e.DisplayName}\" [label=\"{e.DisplayName}\" color=\"{color}\" fontcolor=\"{color}\"]");
            }
        }

        foreach (var c in conns)
        {
            AddPeer(c.Source);
            AddPeer(c.Destination);
            var weight = string.CompareOrdinal(c.SourceName, c.DestinationName) <= 0 ? "0.5" : "1";
            edges.Add($"\t\"{c.SourceName}\" -> \"{c.DestinationName}\" [label=\"{c.Connections}\" color=\"gold2\" fontcolor=\"darkgreen\" weight={weight}]");
        }

        foreach (var w in allWorkloads)
        {
            AddWorkload(w);
        }

        edges.Sort(StringComparer.Ordinal);
        var lines = new List<string> { "digraph {" };
        foreach (var (ns, peers) in nsPeers)
        {
            lines.Add($"\tsubgraph \"cluster_{ns}[namespace]\" {{");
            lines.Add("\t\tcolor=\"black\"");
            lines.Add("\t\tfontcolor=\"black\"");
            lines.AddRange(peers);
            lines.Add($"\t\tlabel=\"{ns}[namespace]\"");
            lines.Add("\t}");
        }

        lines.AddRange(external);
        lines.AddRange(edges);
        lines.Add("}");
        return string.Join("\n", lines);
    }
}
