namespace Podnet.Analysis.Probe;

/// <summary>
/// What one measured connection showed (Cyclonus's probe connectivity, with the refused case kept apart).
/// A connection that reached the destination pod's own network stack passed every NetworkPolicy on the
/// way, whether or not a program listened there.
/// </summary>
public enum ProbeVerdict
{
    /// <summary>The connection was made (TCP handshake completed; a UDP datagram was answered or delivered to a socket). Cyclonus's <c>.</c>.</summary>
    Connected,

    /// <summary>The destination pod's kernel answered with a TCP RST or an ICMP port unreachable: nothing listens there, but policy let the packet in. Counted as allowed.</summary>
    Refused,

    /// <summary>No answer within the probe's timeout: dropped on the way (by a NetworkPolicy DROP, as most CNIs do). Cyclonus's <c>X</c>.</summary>
    Blocked,

    /// <summary>The probe failed for another reason (no route, host unreachable, the pod not running). Cyclonus's <c>!</c> (check failed).</summary>
    Failed,
}

/// <summary>Helpers for <see cref="ProbeVerdict"/>.</summary>
public static class ProbeVerdicts
{
    /// <summary>Whether the verdict means NetworkPolicy allowed the connection.</summary>
    public static bool IsAllowed(this ProbeVerdict verdict) => verdict is ProbeVerdict.Connected or ProbeVerdict.Refused;

    /// <summary>The truth-table mark: <c>.</c> allowed, <c>X</c> blocked, <c>!</c> check failed (Cyclonus's marks).</summary>
    public static string Mark(this ProbeVerdict verdict) => verdict switch
    {
        ProbeVerdict.Connected or ProbeVerdict.Refused => ".",
        ProbeVerdict.Blocked => "X",
        _ => "!",
    };
}
