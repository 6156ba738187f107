using BenchmarkDotNet.Attributes;
using Podnet.Cluster.Images;
using Podnet.Cluster.Images.Http;
using Podnet.Cluster.Images.Tls;
using Podnet.Kernel.Simulation;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Wire;

namespace Podnet.Bench.Edge;

/// <summary>
/// TLS over the emulated TCP (issue 8): one HTTPS request on a fresh connection (TCP + TLS 1.3 handshake
/// with SNI + GET + close_notify), and 100 requests on one kept-alive TLS connection, between two
/// namespaces joined by a veth pair. Run:
/// <c>dotnet run -c Release --project bench/Podnet.Bench -- --filter '*TlsBenchmarks*' --job short --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
public class TlsBenchmarks
{
    private World _world = null!;
    private NetNamespace _client = null!;
    private uint _server;
    private TlsCertificate _cert = null!;

    /// <summary>Two namespaces, an HTTPS server in one; the certificate is issued once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var now = DateTimeOffset.UtcNow;
        var ca = new CertificateAuthority("Bench CA", now.AddDays(-1), now.AddDays(30));
        _cert = ca.Issue(["bench.example.com"], now.AddDays(-1), now.AddDays(10)).Certificate;
        _world = new World(1);
        var a = _world.CreateNamespace("a");
        var b = _world.CreateNamespace("b");
        a.AddVeth("veth0", "veth0", b, out var veth);
        a.AddAddress(veth!, Ipv4Prefix.Parse("10.0.0.1/24"));
        b.AddAddress(veth!.Peer, Ipv4Prefix.Parse("10.0.0.2/24"));
        a.SetUp(veth, true);
        b.SetUp(veth.Peer, true);
        _client = a;
        _server = Ipv4Address.Parse("10.0.0.2");
        var ctx = new ProcessContext(b, "server", now);
        HttpsServer.Start(ctx, 443, _ => _cert, (req, info) => Task.FromResult(HttpResponse.Text(200, "OK", "hello\n")));
    }

    /// <summary>connect + handshake + one GET + close.</summary>
    [Benchmark]
    public int NewConnectionRequest() => Requests(1);

    /// <summary>connect + handshake + 100 GETs on the kept-alive connection + close.</summary>
    [Benchmark]
    public int HundredRequestsOneConnection() => Requests(100);

    private int Requests(int n)
    {
        int ok = 0;
        var r = _world.Run(async () =>
        {
            var (sock, _) = await _client.Tcp.ConnectAsync(_server, 443);
            var transport = new TcpSocketStream(sock);
            var tls = await TlsClient.ConnectAsync(transport, new TlsClientOptions("bench.example.com", 443, [], DateTimeOffset.UtcNow) { Insecure = true });
            var s = tls.Stream!;
            var pending = new StreamHttp.Pending();
            var req = System.Text.Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: bench.example.com\r\n\r\n");
            for (int i = 0; i < n; i++)
            {
                await s.WriteAsync(req);
                var msg = await StreamHttp.ReadMessageAsync(s, bodyUntilClose: false, pending: pending);
                if (msg is not null) ok++;
            }
            await s.CloseAsync();
        }, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(60));
        if (r.Outcome != RunOutcome.Completed || ok != n) throw new InvalidOperationException($"run {r.Outcome}: {ok}/{n}");
        return ok;
    }
}
