using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Podnet.Cluster.Dns.CoreDns;
using Podnet.Cluster.Dns.Server;

namespace Podnet.Bench.Dns;

/// <summary>Side by side in one run: Podnet's real DNS server (CoreDNS with kubeadm's Corefile over a 10,000-Service
/// cluster, what <c>podnet dns serve</c> runs) and NSD 4 serving the zone files Podnet exports for the same cluster
/// (<c>podnet dns zonefile</c>), each queried by dnsperf with the same query file (40% service A, 20% named-port SRV,
/// 20% PTR, 20% NXDOMAIN) for 10 s. Each benchmark method is one dnsperf run; the figures that matter (queries per
/// second, lost queries) are printed and written to <c>BenchmarkDotNet.Artifacts/dns-dnsperf.txt</c>.
/// Needs the Debian packages <c>nsd</c> and <c>dnsperf</c>; run with
/// <c>dotnet run -c Release --project bench/Podnet.Bench -- --filter '*DnsServerVsNsd*'</c> (in-process, one iteration).</summary>
[Config(typeof(OneShotConfig))]
public class DnsServerVsNsdBenchmark
{
    /// <summary>One in-process run of each method: each is a whole dnsperf run already.</summary>
    private sealed class OneShotConfig : ManualConfig
    {
        public OneShotConfig() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1).WithWarmupCount(0).WithIterationCount(1).WithInvocationCount(1).WithUnrollFactor(1));
    }

    private const int PodnetPort = 15353;
    private const int NsdPort = 15354;
    private string _dir = "";
    private DnsServer? _server;
    private Process? _nsd;

    /// <summary>dnsperf run length in seconds.</summary>
    public static int Seconds { get; set; } = 10;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "podnet-dns-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(_dir);
        var view = DnsBenchCluster.View();
        var coredns = DnsBenchCluster.CoreDns(view);
        var plugin = coredns.KubernetesFor("cluster.local")!;
        File.WriteAllText(Path.Combine(_dir, "cluster.local.zone"), ZoneFile.Format("cluster.local", ZoneFile.Records(plugin, view, "cluster.local")));
        File.WriteAllText(Path.Combine(_dir, "in-addr.arpa.zone"), ZoneFile.Format("in-addr.arpa", ZoneFile.ReverseRecords(plugin, view, "in-addr.arpa")));
        File.WriteAllLines(Path.Combine(_dir, "queries.txt"), DnsBenchCluster.Queries(100_000));
        File.WriteAllText(Path.Combine(_dir, "nsd.conf"), $"""
            server:
                ip-address: 127.0.0.1@{NsdPort}
                port: {NsdPort}
                server-count: 2
                reuseport: yes
                username: ""
                chroot: ""
                zonesdir: "{_dir}"
                database: ""
                zonelistfile: "{_dir}/zone.list"
                xfrdfile: "{_dir}/xfrd.state"
                pidfile: "{_dir}/nsd.pid"
                logfile: "{_dir}/nsd.log"
                verbosity: 1
                # Response rate limiting would throttle the single benchmark client (Debian's default is 200 qps).
                rrl-ratelimit: 0
                rrl-whitelist-ratelimit: 0
            remote-control:
                control-enable: no
            zone:
                name: cluster.local
                zonefile: cluster.local.zone
            zone:
                name: in-addr.arpa
                zonefile: in-addr.arpa.zone

            """);
        _server = new DnsServer(coredns, new DnsServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, PodnetPort) });
        _server.Start();
        _nsd = Process.Start(new ProcessStartInfo("/usr/sbin/nsd", ["-d", "-c", Path.Combine(_dir, "nsd.conf")]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("cannot start nsd");
        // Wait until NSD answers (zone load takes a moment).
        for (var i = 0; i < 100 && !Answers(NsdPort); i++) Thread.Sleep(200);
        if (!Answers(NsdPort)) throw new InvalidOperationException("nsd did not start: " + File.ReadAllText(Path.Combine(_dir, "nsd.log")));
    }

    private static bool Answers(int port)
    {
        var psi = new ProcessStartInfo("dig", ["@127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "+short", "+tries=1", "+time=1", "svc-1.ns-0.svc.cluster.local"])
        { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return o.Contains("10.96.", StringComparison.Ordinal);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_nsd is { HasExited: false })
        {
            _nsd.Kill();
            _nsd.WaitForExit();
        }
        _server?.DisposeAsync().AsTask().Wait();
    }

    [Benchmark]
    public double PodnetDnsServe() => Run("podnet", PodnetPort);

    [Benchmark(Baseline = true)]
    public double Nsd() => Run("nsd", NsdPort);

    private double Run(string who, int port)
    {
        var psi = new ProcessStartInfo("dnsperf", ["-s", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-d", Path.Combine(_dir, "queries.txt"),
            "-l", Seconds.ToString(CultureInfo.InvariantCulture), "-c", "4", "-T", "1", "-q", "200"])
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        var qps = double.Parse(Regex.Match(output, @"Queries per second:\s+([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var lost = Regex.Match(output, @"Queries lost:\s+(\d+)").Groups[1].Value;
        var codes = Regex.Match(output, @"Response codes:\s+(.*)").Groups[1].Value;
        var line = $"{who}: {qps:F0} qps, lost {lost}, codes {codes}";
        Console.WriteLine(line);
        File.AppendAllText(Path.Combine("BenchmarkDotNet.Artifacts", "dns-dnsperf.txt"), $"{DateTime.UtcNow:u} {line}\n");
        return qps;
    }
}
