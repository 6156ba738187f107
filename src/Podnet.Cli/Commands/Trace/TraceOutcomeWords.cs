using System.Globalization;
using System.Text.RegularExpressions;
using Podnet.Kernel.Tracing;

namespace Podnet.Cli.Commands.Trace;

/// <summary>Says how a traced connection ended, in words, from the steps of its <see cref="FlowTrace"/> (the rule that decided, where one did).</summary>
public static partial class TraceOutcomeWords
{
    /// <summary>The outcome sentence of <paramref name="trace"/>; <paramref name="place"/> names a network namespace.</summary>
    public static string Describe(ConnectionTrace trace, Func<string, string> place)
    {
        var flow = trace.Flow;
        if (flow is null)
        {
            return trace.OutcomeText;
        }

        var steps = flow.Steps;
        var sourceNs = steps.Count > 0 ? steps[0].Namespace : "";
        var target = $"{trace.DestinationAddress}{(trace.Port > 0 ? ":" + trace.Port.ToString(CultureInfo.InvariantCulture) : "")}";
        var dnat = steps.FirstOrDefault(s => s.Kind == TraceStepKind.Nat && s.Text.StartsWith("DNAT", StringComparison.Ordinal));
        var via = dnat is null ? "" : $" (DNAT {dnat.Text[5..]})";
        var delivered = steps.FirstOrDefault(s => s.Kind == TraceStepKind.Deliver && s.Namespace != sourceNs)
            ?? steps.FirstOrDefault(s => s.Kind == TraceStepKind.Deliver);
        var secs = TimeoutSeconds(trace);
        switch (trace.Outcome)
        {
            case TraceOutcome.Delivered:
                return delivered is null
                    ? $"delivered to {target}{via}"
                    : $"delivered to {place(delivered.Namespace)}{via}: {delivered.Text}";
            case TraceOutcome.Refused or TraceOutcome.Rejected:
                {
                    var reject = LastRule(steps, "-j REJECT");
                    if (reject is not null)
                    {
                        var why = Comment(reject.Text) is { } c ? $" (\"{c}\")" : "";
                        return $"refused by a REJECT rule in {place(reject.Namespace)}{why}: {reject.Text}";
                    }

                    return delivered is null
                        ? $"refused by {target}"
                        : $"refused by {place(delivered.Namespace)}{via}: nothing listens on {trace.Protocol}/{trace.Port.ToString(CultureInfo.InvariantCulture)} there ({(trace.Protocol == "udp" ? "ICMP port unreachable" : "TCP RST")})";
                }

            case TraceOutcome.NoRoute:
                return $"no route to {target}: " + (steps.LastOrDefault(s => s.Kind == TraceStepKind.Route)?.Text ?? "network unreachable");
            case TraceOutcome.HostUnreachable:
                return $"host unreachable: " + (steps.LastOrDefault(s => s.Kind is TraceStepKind.Neighbour or TraceStepKind.Deliver)?.Text ?? target);
            case TraceOutcome.NxDomain:
                return trace.OutcomeText;
        }

        var drop = steps.LastOrDefault(s => s.Kind == TraceStepKind.Drop);
        if (drop is not null)
        {
            var rule = LastRule(steps, "-j DROP");
            if (rule is not null && Comment(rule.Text) is { } comment && comment.Contains("NetworkPolicy", StringComparison.Ordinal))
            {
                return $"dropped by the absence of an allowing NetworkPolicy ({comment}) in {place(rule.Namespace)}; the client timed out after {secs} s";
            }

            if (rule is not null)
            {
                return $"dropped by {place(rule.Namespace)}: {rule.Text}; the client timed out after {secs} s";
            }

            return $"dropped in {place(drop.Namespace)}: {drop.Text}; the client timed out after {secs} s";
        }

        var last = steps.LastOrDefault(s => s.Kind != TraceStepKind.Note);
        return last is null
            ? $"timed out after {secs} s: nothing left the source"
            : $"timed out after {secs} s: no answer (last seen in {place(last.Namespace)}: {last.Text})";
    }

    private static string TimeoutSeconds(ConnectionTrace trace) =>
        trace.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static TraceStep? LastRule(IReadOnlyList<TraceStep> steps, string target) =>
        steps.LastOrDefault(s => s.Kind == TraceStepKind.Rule && s.Text.Contains(target, StringComparison.Ordinal));

    /// <summary>The text of a rule's <c>-m comment --comment</c>, if any.</summary>
    public static string? Comment(string rule)
    {
        var m = CommentPattern().Match(rule);
        return m.Success ? (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value) : null;
    }

    [GeneratedRegex("--comment (?:\"([^\"]*)\"|(\\S+))")]
    private static partial Regex CommentPattern();
}
