using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.Dns.CoreDns;
using Podnet.Cluster.Dns.Server;
using Podnet.Kernel.Simulation;

namespace Podnet.Cli.Commands.Dns;

/// <summary>
/// <c>podnet dns serve [--listen 127.0.0.1:5353] [-f MANIFESTS]</c>: the cluster's CoreDNS (kubernetes plugin and the
/// Corefile of the <c>coredns</c> ConfigMap) on real UDP and TCP sockets for <c>dig</c> and <c>nslookup</c>;
/// <c>podnet dns zonefile [--zone cluster.local|in-addr.arpa|ip6.arpa] [-f MANIFESTS]</c>: the zone in RFC 1035
/// master-file form.
/// </summary>
public static class DnsCommand
{
    /// <summary>
    /// Builds the <c>dns</c> command. <paramref name="clusterObjects"/> supplies the current cluster's objects
    /// (Namespaces, Services, EndpointSlices, Pods, ConfigMaps) when no <c>-f</c> is given; null when no cluster
    /// store is wired in.
    /// </summary>
    public static Command Create(Func<IReadOnlyList<KubeObject>>? clusterObjects = null)
    {
        var files = new Option<string[]>("--filename", "-f") { Description = "manifests (file, folder or -) instead of the current cluster" };
        var recursive = new Option<bool>("--recursive", "-R") { Description = "process the directory used in -f recursively" };
        var listen = new Option<string>("--listen") { Description = "address:port to listen on (UDP and TCP)", DefaultValueFactory = _ => "127.0.0.1:5353" };
        var zone = new Option<string>("--zone") { Description = "zone to print: the cluster domain or a reverse zone", DefaultValueFactory = _ => "cluster.local" };

        var serve = new Command("serve", "Answer the cluster's DNS over real UDP and TCP (CoreDNS's answers)");
        serve.Options.Add(listen);
        serve.Options.Add(files);
        serve.Options.Add(recursive);
        serve.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (!IPEndPoint.TryParse(parse.GetValue(listen)!, out var endpoint) || endpoint.Port == 0 && !parse.GetValue(listen)!.EndsWith(":0", StringComparison.Ordinal))
            {
                error.WriteLine($"error: invalid --listen address \"{parse.GetValue(listen)}\" (want IP:PORT, e.g. 127.0.0.1:5353)");
                return 1;
            }
            var snapshot = Load(parse, files, recursive, clusterObjects, error);
            if (snapshot is null) return 1;
            CoreDnsServer coredns;
            try
            {
                coredns = new CoreDnsServer(snapshot.Corefile, () => snapshot.View, new WallClock(), forwarder: null, snapshot.OwnAddresses);
            }
            catch (CorefileException e)
            {
                error.WriteLine("error: coredns ConfigMap: " + e.Message);
                return 1;
            }
            var server = new DnsServer(coredns, new DnsServerOptions { Listen = endpoint });
            try
            {
                server.Start();
            }
            catch (SocketException e)
            {
                error.WriteLine($"error: listen {endpoint}: {e.Message}");
                await server.DisposeAsync();
                return 1;
            }
            output.WriteLine($"serving {string.Join(", ", coredns.Corefile.ServerBlocks.SelectMany(b => b.Zones))} on {server.LocalEndPoint} (udp, tcp); names outside the cluster get SERVFAIL (no upstream); Ctrl+C stops");
            output.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
            }
            await server.DisposeAsync();
            return 0;
        });

        var zonefile = new Command("zonefile", "Print the cluster zone (or a reverse zone) in RFC 1035 master-file form");
        zonefile.Options.Add(zone);
        zonefile.Options.Add(files);
        zonefile.Options.Add(recursive);
        zonefile.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var snapshot = Load(parse, files, recursive, clusterObjects, error);
            if (snapshot is null) return 1;
            var z = parse.GetValue(zone)!;
            try
            {
                var coredns = new CoreDnsServer(snapshot.Corefile, () => snapshot.View, new WallClock(), null, snapshot.OwnAddresses);
                var plugin = coredns.KubernetesFor(z);
                if (plugin is null || plugin.MatchZone(z) is null)
                {
                    error.WriteLine($"error: the coredns Corefile has no kubernetes plugin for zone \"{z}\"");
                    return 1;
                }
                var reverse = z.TrimEnd('.').EndsWith("arpa", StringComparison.OrdinalIgnoreCase);
                var records = reverse ? ZoneFile.ReverseRecords(plugin, snapshot.View, z) : ZoneFile.Records(plugin, snapshot.View, z);
                output.Write(ZoneFile.Format(z, records));
                return 0;
            }
            catch (CorefileException e)
            {
                error.WriteLine("error: coredns ConfigMap: " + e.Message);
                return 1;
            }
        });

        var command = new Command("dns", "Cluster DNS: CoreDNS's answers as a real server or a zone file");
        command.Subcommands.Add(serve);
        command.Subcommands.Add(zonefile);
        return command;
    }

    private static ClusterDnsSnapshot? Load(ParseResult parse, Option<string[]> files, Option<bool> recursive,
        Func<IReadOnlyList<KubeObject>>? clusterObjects, TextWriter error)
    {
        var objects = new List<KubeObject>();
        var paths = parse.GetValue(files) ?? [];
        if (paths.Length > 0)
        {
            var failed = false;
            foreach (var path in paths)
            {
                var set = ManifestReader.ReadPath(path, parse.GetValue(recursive));
                foreach (var e in set.Errors)
                {
                    error.WriteLine(e.KubectlLine);
                    failed = true;
                }
                objects.AddRange(set.Objects);
            }
            if (failed) return null;
        }
        else if (clusterObjects is not null)
        {
            objects.AddRange(clusterObjects());
        }
        else
        {
            error.WriteLine("error: no cluster is available here; give manifests with -f");
            return null;
        }
        return ClusterDnsSnapshot.From(objects);
    }

    /// <summary>The host's monotonic clock for the <c>cache</c> plugin of the real server (the emulation uses its
    /// virtual clock instead).</summary>
    private sealed class WallClock : IClock
    {
        private readonly System.Diagnostics.Stopwatch _watch = System.Diagnostics.Stopwatch.StartNew();

        public TimeSpan Now => _watch.Elapsed;
    }
}
