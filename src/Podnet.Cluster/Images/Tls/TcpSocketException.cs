using Podnet.Kernel.Sockets;

namespace Podnet.Cluster.Images.Tls;

/// <summary>
/// The errno of a failed emulated socket call, carried as the inner exception of the
/// <see cref="IOException"/> a <see cref="TcpSocketStream"/> throws (as .NET's <c>SocketException</c> is for real sockets).
/// </summary>
public sealed class TcpSocketException(Errno error) : Exception(error.Message())
{
    /// <summary>The errno.</summary>
    public Errno Error { get; } = error;
}
