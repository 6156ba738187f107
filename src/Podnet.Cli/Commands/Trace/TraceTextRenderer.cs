using System.Globalization;
using System.Text;
using Podnet.Kernel.Tracing;

namespace Podnet.Cli.Commands.Trace;

/// <summary>
/// Renders a <see cref="ConnectionTrace"/> for people: the question, the DNS lookup, then one numbered
/// block per hop (where: pod/node/router and device; each decision: route, ARP, bridge FDB, the exact
/// rule text, conntrack, NAT marked with <c>*</c>, encapsulation, delivery), and the outcome in words.
/// With <c>colour</c> it uses ANSI SGR colours (the caller decides: a terminal, and NO_COLOR unset).
/// </summary>
public static class TraceTextRenderer
{
    private const string Reset = "\u001b[0m";
    private const string Bold = "\u001b[1m";
    private const string Red = "\u001b[31m";
    private const string Green = "\u001b[32m";
    private const string Yellow = "\u001b[33m";
    private const string Blue = "\u001b[34m";
    private const string Cyan = "\u001b[36m";
    private const string Dim = "\u001b[2m";

    /// <summary>The text of <paramref name="trace"/>.</summary>
    public static string Render(ConnectionTrace trace, bool colour)
    {
        string C(string code, string text) => colour ? code + text + Reset : text;
        var sb = new StringBuilder();
        var port = trace.Port > 0 ? $" port {trace.Port.ToString(CultureInfo.InvariantCulture)}" : "";
        sb.Append(C(Bold, "trace")).Append(": ").Append(trace.SourceDescription).Append(" (").Append(trace.SourceAddress).Append(") -> ")
          .Append(trace.DestinationDescription).Append(", ").Append(trace.Protocol).Append(port).Append('\n');

        if (trace.Lookup is { } lookup)
        {
            sb.Append('\n').Append(C(Bold, "DNS")).Append(": ").Append(trace.SourceDescription).Append(" asks its resolver (resolv.conf) for ").Append(lookup.Name).Append('\n');
            foreach (var (name, result) in lookup.Candidates)
            {
                sb.Append("  ").Append(name.PadRight(44)).Append(' ').Append(result == "NXDOMAIN" ? C(Dim, result) : result).Append('\n');
            }
        }

        if (trace.Flow is { } flow)
        {
            var hops = flow.Hops;
            for (var i = 0; i < hops.Count; i++)
            {
                var h = hops[i];
                var where = trace.Places.TryGetValue(h.Namespace, out var p) ? p : h.Namespace;
                sb.Append('\n').Append((i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(3)).Append(". ")
                  .Append(C(Cyan + Bold, where));
                if (h.Device is not null)
                {
                    sb.Append(" · ").Append(h.Device);
                }

                if (where != h.Namespace)
                {
                    sb.Append(C(Dim, $"  [netns {h.Namespace}]"));
                }

                sb.Append('\n');
                foreach (var s in h.Steps)
                {
                    var (label, code) = Label(s.Kind);
                    var mark = s.Kind == TraceStepKind.Nat ? "*" : " ";
                    sb.Append("     ").Append(mark).Append(' ').Append(C(code, label.PadRight(10))).Append(' ').Append(s.Text).Append('\n');
                }
            }
        }

        var (word, colourCode) = trace.Outcome switch
        {
            TraceOutcome.Delivered => ("DELIVERED", Green),
            TraceOutcome.Refused or TraceOutcome.Rejected => ("REFUSED", Yellow),
            TraceOutcome.NxDomain => ("NXDOMAIN", Red),
            TraceOutcome.TimedOut or TraceOutcome.Dropped => ("DROPPED", Red),
            _ => (trace.Outcome.ToString().ToUpperInvariant(), Red),
        };
        if (trace.Outcome == TraceOutcome.TimedOut && trace.Flow?.Steps.All(s => s.Kind != TraceStepKind.Drop) == true)
        {
            word = "TIMED OUT";
        }

        sb.Append('\n').Append(C(Bold + colourCode, word)).Append(": ").Append(trace.OutcomeText).Append('\n');
        if (trace.Flow is not null && trace.Flow.Steps.Any(s => s.Kind == TraceStepKind.Nat))
        {
            sb.Append(C(Dim, "(* = address translation: the packet's addresses change here; conntrack undoes it on the way back)")).Append('\n');
        }

        return sb.ToString();
    }

    private static (string Label, string Colour) Label(TraceStepKind kind) => kind switch
    {
        TraceStepKind.Ingress => ("in", ""),
        TraceStepKind.Egress => ("out", ""),
        TraceStepKind.Route => ("route", ""),
        TraceStepKind.Neighbour => ("arp", ""),
        TraceStepKind.Bridge => ("fdb", ""),
        TraceStepKind.Rule => ("rule", Blue),
        TraceStepKind.Policy => ("policy", Blue),
        TraceStepKind.Nat => ("NAT", Yellow),
        TraceStepKind.Conntrack => ("conntrack", ""),
        TraceStepKind.Ipvs => ("ipvs", Blue),
        TraceStepKind.Encapsulation => ("vxlan", Cyan),
        TraceStepKind.Deliver => ("deliver", Green),
        TraceStepKind.Drop => ("DROP", Red),
        TraceStepKind.Error => ("error", Red),
        _ => ("note", Dim),
    };
}
