using System.Text;
using Podnet.Analysis.NetworkPolicies;
using Podnet.Cluster.NetworkPolicies;

namespace Podnet.Analysis.Output;

/// <summary>
/// The <c>--explain</c> text in the form of netpol-analyzer's explain: for each pair of peers some policy
/// is involved in, the connection space split into regions with the same reasons, each region listed
/// under "Allowed connections" or "Denied connections" with the Egress and Ingress reasons (which policy
/// and rule allowed it, or why each selecting policy did not); then the pairs left to the system default.
/// </summary>
public static class ExplainFormatter
{
    private static readonly string Dashes = new('-', 160);

    /// <summary>Explains every pair given (sorted by source then destination name).</summary>
    public static string Format(PairEvaluator evaluator, IEnumerable<(Endpoint Source, Endpoint Destination)> pairs)
    {
        var specific = new StringBuilder();
        var defaults = new List<string>();
        foreach (var (s, d) in pairs.OrderBy(p => p.Source.DisplayName, StringComparer.Ordinal).ThenBy(p => p.Destination.DisplayName, StringComparer.Ordinal))
        {
            var v = evaluator.Evaluate(s, d);
            var icTargets = s.IsIngressController ? evaluator.Model.IngressTargets.Where(t => d.Pod != null && t.Workload == d.Pod.Workload).ToList() : [];
            if (!v.Egress.Isolated && !v.Ingress.Isolated && icTargets.Count == 0)
            {
                defaults.Add($"{s.DisplayName} => {d.DisplayName}");
                continue;
            }

            specific.Append(Dashes).Append('\n');
            specific.Append("Connections between ").Append(s.DisplayName).Append(" => ").Append(d.DisplayName).Append(":\n\n");
            AppendPair(specific, v, icTargets);
        }

        var sb = new StringBuilder();
        if (specific.Length > 0)
        {
            sb.Append('\n').Append(Banner("Specific connections and their reasons")).Append(specific);
        }

        if (defaults.Count > 0)
        {
            sb.Append('\n').Append(Banner("All Connections due to the system default (Allow all)"));
            foreach (var line in defaults)
            {
                sb.Append(line).Append('\n');
            }
        }

        return sb.ToString();
    }

    /// <summary>The explanation of one pair (used by <c>podnet reach --from/--to</c>).</summary>
    public static string FormatPair(PairVerdict verdict, IReadOnlyList<IngressControllerTarget>? ingressTargets = null)
    {
        var sb = new StringBuilder();
        sb.Append("Connections between ").Append(verdict.Source.DisplayName).Append(" => ").Append(verdict.Destination.DisplayName).Append(":\n\n");
        AppendPair(sb, verdict, ingressTargets ?? []);
        return sb.ToString();
    }

    private static string Banner(string title)
    {
        var line = new string('#', title.Length + 4);
        return $"{line}\n# {title} #\n{line}\n";
    }

    private static void AppendPair(StringBuilder sb, PairVerdict v, IReadOnlyList<IngressControllerTarget> icTargets)
    {
        var routePorts = icTargets.Aggregate(ConnectionSet.Empty, (a, t) => a.Union(t.Ports));
        var regions = Regions(v, icTargets.Count > 0 ? routePorts : null);
        var allowed = regions.Where(r => r.Allowed).OrderBy(r => r.Conn.ToExplainString(), StringComparer.Ordinal).ToList();
        var denied = regions.Where(r => !r.Allowed).OrderBy(r => r.Conn.ToExplainString(), StringComparer.Ordinal).ToList();
        if (allowed.Count > 0)
        {
            sb.Append("Allowed connections:\n");
            foreach (var r in allowed)
            {
                AppendRegion(sb, "Allowed", r, v, icTargets);
            }
        }

        if (denied.Count > 0)
        {
            sb.Append("Denied connections:\n");
            foreach (var r in denied)
            {
                AppendRegion(sb, "Denied", r, v, icTargets);
            }
        }
    }

    private static void AppendRegion(StringBuilder sb, string verb, Region r, PairVerdict v, IReadOnlyList<IngressControllerTarget> icTargets)
    {
        sb.Append('\t').Append(verb).Append(' ').Append(r.Conn.ToExplainString()).Append(" due to the following policies and rules:\n");
        AppendDirection(sb, "Egress", r.Egress);
        AppendDirection(sb, "Ingress", r.Ingress);
        foreach (var t in icTargets.GroupBy(t => (t.ObjectKind, t.ObjectNamespace, t.ObjectName, t.ServiceName)).Select(g => g.Key))
        {
            if (r.InRoute)
            {
                sb.Append($"\t\t\t{t.ObjectKind} '{t.ObjectNamespace}/{t.ObjectName}' allows ingress connections through service {t.ServiceName}\n");
            }
            else
            {
                sb.Append($"\t\t\t{t.ObjectKind} '{t.ObjectNamespace}/{t.ObjectName}' allows ingress to service {t.ServiceName}, but the protocols and ports do not match\n");
            }
        }

        sb.Append('\n');
    }

    private static void AppendDirection(StringBuilder sb, string name, DirectionReasons d)
    {
        if (d.Default)
        {
            sb.Append("\t\t").Append(name).Append(" (Allowed) due to the system default (Allow all)\n");
            return;
        }

        sb.Append("\t\t").Append(name).Append(d.Allowed ? " (Allowed)\n" : " (Denied)\n");
        if (d.Lines.Count == 1)
        {
            sb.Append("\t\t\t").Append(d.Lines[0]).Append('\n');
        }
        else
        {
            sb.Append("\t\t\tNetworkPolicy list:\n");
            foreach (var l in d.Lines)
            {
                sb.Append("\t\t\t\t- ").Append(l).Append('\n');
            }

            sb.Append('\n');
        }
    }

    private sealed record DirectionReasons(bool Default, bool Allowed, IReadOnlyList<string> Lines)
    {
        public string Key => (Default ? "D" : Allowed ? "A" : "X") + string.Join("\u001e", Lines);
    }

    private sealed record Region(ConnectionSet Conn, bool Allowed, DirectionReasons Egress, DirectionReasons Ingress, bool InRoute);

    private static List<Region> Regions(PairVerdict v, ConnectionSet? routePorts)
    {
        // Cut each protocol's port space at every rule's port-range edge, then group points by their reasons.
        var cuts = new SortedSet<int>[] { [1], [1], [1] };
        void AddCuts(ConnectionSet c)
        {
            foreach (var p in PolicyProtocols.All)
            {
                foreach (var r in c.Ranges(p))
                {
                    cuts[(int)p].Add(r.Low);
                    cuts[(int)p].Add(r.High + 1);
                }
            }
        }

        foreach (var pv in v.Egress.Policies.Concat(v.Ingress.Policies))
        {
            foreach (var rv in pv.Rules)
            {
                AddCuts(rv.Ports);
            }
        }

        if (routePorts != null)
        {
            AddCuts(routePorts);
        }

        var groups = new Dictionary<string, (List<(PolicyProtocol, PortRange)> Ranges, Region Proto)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var p in PolicyProtocols.All)
        {
            var points = cuts[(int)p].Where(x => x <= PortRange.MaxPort).ToList();
            for (var i = 0; i < points.Count; i++)
            {
                var lo = points[i];
                var hi = i + 1 < points.Count ? points[i + 1] - 1 : PortRange.MaxPort;
                var eg = Reasons(v.Egress, v.Source, v.Destination, p, lo);
                var ing = Reasons(v.Ingress, v.Destination, v.Source, p, lo);
                var inRoute = routePorts?.Contains(p, lo) ?? true;
                var allowed = (eg.Default || eg.Allowed) && (ing.Default || ing.Allowed) && inRoute;
                var key = eg.Key + "\u001f" + ing.Key + "\u001f" + inRoute;
                if (!groups.TryGetValue(key, out var g))
                {
                    groups[key] = g = ([], new Region(ConnectionSet.Empty, allowed, eg, ing, inRoute));
                    order.Add(key);
                }

                g.Ranges.Add((p, new PortRange(lo, hi)));
            }
        }

        return order.Select(k => groups[k].Proto with { Conn = ConnectionSet.FromRanges(groups[k].Ranges) }).ToList();
    }

    private static DirectionReasons Reasons(DirectionVerdict d, Endpoint judged, Endpoint other, PolicyProtocol proto, int port)
    {
        if (!d.Isolated)
        {
            return new DirectionReasons(true, true, []);
        }

        var dir = d.Direction == PolicyDirection.Ingress ? "Ingress" : "Egress";
        var allows = new List<string>();
        foreach (var pv in d.Policies)
        {
            foreach (var rv in pv.Rules)
            {
                if (rv.PeerMatched && rv.Ports.Contains(proto, port))
                {
                    allows.Add($"NetworkPolicy '{pv.Policy.FullName}' allows connections by {dir} rule #{rv.Index}");
                }
            }
        }

        if (allows.Count > 0)
        {
            return new DirectionReasons(false, true, allows);
        }

        var denies = new List<string>();
        foreach (var pv in d.Policies.OrderBy(p => p.Policy.FullName, StringComparer.Ordinal))
        {
            var prefix = $"NetworkPolicy '{pv.Policy.FullName}' selects {judged.DisplayName}";
            if (pv.Rules.Count == 0)
            {
                denies.Add($"{prefix}, but {other.DisplayName} is not allowed by any {dir} rule (no rules defined)");
                continue;
            }

            var matched = pv.Rules.FirstOrDefault(r => r.PeerMatched);
            if (matched == null)
            {
                denies.Add($"{prefix}, but {other.DisplayName} is not allowed by any {dir} rule");
            }
            else if (matched.NamedPortsUnresolved && matched.Ports.IsEmpty)
            {
                denies.Add($"{prefix}, and {dir} rule #{matched.Index} selects {other.DisplayName}, but named ports of the rule have no match in the configuration of the destination peer");
            }
            else
            {
                denies.Add($"{prefix}, and {dir} rule #{matched.Index} selects {other.DisplayName}, but the protocols and ports do not match");
            }
        }

        return new DirectionReasons(false, false, denies);
    }
}
