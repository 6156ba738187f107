namespace Podnet.Kernel.Sockets;

/// <summary>Linux errno values a socket call can end with (as returned by the kernel, negated).</summary>
public enum Errno
{
    None = 0,
    EPERM = 1,
    EAGAIN = 11,
    EACCES = 13,
    EINVAL = 22,
    EPIPE = 32,
    EMSGSIZE = 90,
    EADDRINUSE = 98,
    EADDRNOTAVAIL = 99,
    ENETUNREACH = 101,
    ECONNRESET = 104,
    EISCONN = 106,
    ENOTCONN = 107,
    ETIMEDOUT = 110,
    ECONNREFUSED = 111,
    EHOSTUNREACH = 113,
}

/// <summary>strerror() texts.</summary>
public static class ErrnoExtensions
{
    /// <summary>The message glibc's strerror gives, e.g. "Connection refused".</summary>
    public static string Message(this Errno e) => e switch
    {
        Errno.None => "Success",
        Errno.EPERM => "Operation not permitted",
        Errno.EAGAIN => "Resource temporarily unavailable",
        Errno.EACCES => "Permission denied",
        Errno.EINVAL => "Invalid argument",
        Errno.EPIPE => "Broken pipe",
        Errno.EMSGSIZE => "Message too long",
        Errno.EADDRINUSE => "Address already in use",
        Errno.EADDRNOTAVAIL => "Cannot assign requested address",
        Errno.ENETUNREACH => "Network is unreachable",
        Errno.ECONNRESET => "Connection reset by peer",
        Errno.EISCONN => "Transport endpoint is already connected",
        Errno.ENOTCONN => "Transport endpoint is not connected",
        Errno.ETIMEDOUT => "Connection timed out",
        Errno.ECONNREFUSED => "Connection refused",
        Errno.EHOSTUNREACH => "No route to host",
        _ => e.ToString(),
    };

    /// <summary>The errno an ICMP destination-unreachable code maps to (icmp_err_convert).</summary>
    public static Errno FromIcmpUnreachable(byte code) => code switch
    {
        0 => Errno.ENETUNREACH,
        1 => Errno.EHOSTUNREACH,
        2 => Errno.ECONNREFUSED,
        3 => Errno.ECONNREFUSED,
        4 => Errno.EMSGSIZE,
        6 => Errno.ENETUNREACH,
        7 => Errno.EHOSTUNREACH,
        9 or 10 or 13 => Errno.EHOSTUNREACH,
        _ => Errno.EHOSTUNREACH,
    };
}
