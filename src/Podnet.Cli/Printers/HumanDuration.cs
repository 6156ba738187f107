namespace Podnet.Cli.Printers;

/// <summary>
/// Kubernetes' <c>duration.HumanDuration</c> (k8s.io/apimachinery/pkg/util/duration) and the printers'
/// <c>translateTimestampSince</c>: the AGE column ("45s", "3m20s", "12m", "5h3m", "2d4h", "190d", "2y3d").
/// </summary>
public static class HumanDuration
{
    /// <summary>Formats a duration exactly as <c>duration.HumanDuration</c> does.</summary>
    public static string Format(TimeSpan d)
    {
        long seconds = (long)d.TotalSeconds; // Go: int(d.Seconds()) truncates toward zero
        if (seconds < -1)
        {
            return "<invalid>";
        }
        if (seconds < 0)
        {
            return "0s";
        }
        if (seconds < 60 * 2)
        {
            return $"{seconds}s";
        }
        long minutes = d.Ticks / TimeSpan.TicksPerMinute;
        if (minutes < 10)
        {
            long s = d.Ticks / TimeSpan.TicksPerSecond % 60;
            return s == 0 ? $"{minutes}m" : $"{minutes}m{s}s";
        }
        if (minutes < 60 * 3)
        {
            return $"{minutes}m";
        }
        long hours = d.Ticks / TimeSpan.TicksPerHour;
        if (hours < 8)
        {
            long m = minutes % 60;
            return m == 0 ? $"{hours}h" : $"{hours}h{m}m";
        }
        if (hours < 48)
        {
            return $"{hours}h";
        }
        if (hours < 24 * 8)
        {
            long h = hours % 24;
            return h == 0 ? $"{hours / 24}d" : $"{hours / 24}d{h}h";
        }
        if (hours < 24 * 365 * 2)
        {
            return $"{hours / 24}d";
        }
        if (hours < 24 * 365 * 8)
        {
            long dy = hours / 24 % 365;
            return dy == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{dy}d";
        }
        return $"{hours / 24 / 365}y";
    }

    /// <summary>The printers' <c>translateTimestampSince</c>: <c>&lt;unknown&gt;</c> for a missing timestamp.</summary>
    public static string Since(DateTimeOffset? timestamp, DateTimeOffset now) =>
        timestamp is null ? "<unknown>" : Format(now - timestamp.Value);
}
