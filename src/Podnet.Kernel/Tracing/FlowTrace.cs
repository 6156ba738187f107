using System.Text;
using Podnet.Kernel.Sockets;

namespace Podnet.Kernel.Tracing;

/// <summary>
/// The typed trace of one flow (DESIGN.md §5): every step that packets of the flow took, grouped into
/// hops (namespace/device), and the outcome. Tracing is per flow: pass a FlowTrace as the
/// <see cref="ITraceSink"/> of a socket (or <see cref="TcpConnectOptions.Trace"/>); frames of that flow
/// carry it, replies included (an accepted socket and generated ICMP errors inherit it).
/// Untraced frames carry null and pay nothing.
/// </summary>
public sealed class FlowTrace : ITraceSink
{
    private readonly List<TraceStep> _steps = [];

    public IReadOnlyList<TraceStep> Steps => _steps;

    public TraceOutcome Outcome { get; set; }

    public void Add(TraceStep step) => _steps.Add(step);

    /// <summary>Sets <see cref="Outcome"/> from a socket call's result.</summary>
    public void Complete(Errno result) => Outcome = TraceOutcomes.FromErrno(result);

    /// <summary>Consecutive steps in the same namespace and device form a hop (steps without a device join the current hop of their namespace).</summary>
    public IReadOnlyList<TraceHop> Hops
    {
        get
        {
            var hops = new List<TraceHop>();
            List<TraceStep>? cur = null;
            string? ns = null, dev = null;
            foreach (var s in _steps)
            {
                bool same = cur != null && s.Namespace == ns && (s.Device == null || s.Device == dev);
                if (!same)
                {
                    cur = [];
                    ns = s.Namespace;
                    dev = s.Device;
                    hops.Add(new TraceHop(ns, dev, cur));
                }
                cur!.Add(s);
            }
            return hops;
        }
    }

    /// <summary>The trace as text: one line per hop, indented steps, then the outcome.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        foreach (var h in Hops)
        {
            sb.Append(h.Namespace);
            if (h.Device != null) sb.Append('/').Append(h.Device);
            sb.Append('\n');
            foreach (var s in h.Steps) sb.Append("  ").Append(s.Kind.ToString().ToLowerInvariant()).Append(": ").Append(s.Text).Append('\n');
        }
        sb.Append("outcome: ").Append(Outcome).Append('\n');
        return sb.ToString();
    }
}
