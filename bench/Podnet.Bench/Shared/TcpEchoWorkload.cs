using Podnet.Kernel.Sockets;
using Podnet.Kernel.Stack;

namespace Podnet.Bench.Shared;

/// <summary>
/// The TCP workload several benchmarks share: an echo server program that answers one request per
/// connection and closes, and a client loop of connect + 100-byte request + response + close.
/// </summary>
internal static class TcpEchoWorkload
{
    /// <summary>Starts the echo server on <paramref name="listener"/> as a program on the world's loop.</summary>
    public static void StartServer(World world, TcpListener listener) =>
        world.Loop.Start(async () =>
        {
            var buf = new byte[512];
            while (true)
            {
                var s = await listener.AcceptAsync();
                if (s == null) return;
                var got = await s.ReceiveAsync(buf);
                s.Send(buf.AsSpan(0, got.Count));
                s.Close();
            }
        });

    /// <summary>Runs <paramref name="connections"/> connections from <paramref name="client"/> to <paramref name="destination"/>:80; throws unless all completed.</summary>
    public static int RunConnections(World world, NetNamespace client, uint destination, int connections)
    {
        int ok = 0;
        var request = new byte[100];
        var run = world.Run(async () =>
        {
            var buf = new byte[512];
            for (int i = 0; i < connections; i++)
            {
                var s = client.Tcp.Open();
                if (await s.ConnectAsync(destination, 80) != Errno.None) continue;
                s.Send(request);
                var got = await s.ReceiveAsync(buf);
                if (got.Count == 100) ok++;
                s.Close();
            }
        }, TimeSpan.FromHours(1), TimeSpan.FromMinutes(1));
        if (ok != connections) throw new InvalidOperationException($"only {ok} of {connections} connections completed ({run.Outcome})");
        return ok;
    }
}
