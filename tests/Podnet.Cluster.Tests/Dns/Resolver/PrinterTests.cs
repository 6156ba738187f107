using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Podnet.Cluster.Dns;
using Podnet.Cluster.Dns.Resolver;
using Podnet.Cluster.Dns.Server;
using Podnet.Cluster.Dns.Wire;
using Podnet.Cluster.Tests.Dns.Server;
using Xunit;

namespace Podnet.Cluster.Tests.Dns.Resolver;

/// <summary>The printers against the real tools: dig and nslookup query <c>podnet</c>'s real server (CoreDNS with
/// kubeadm's Corefile over the test cluster) and their output must equal what the printers make of the same response,
/// byte for byte, once the run-dependent values (ID, query time, date, port) are taken from the real output.</summary>
public class PrinterTests
{
    private sealed class Recording(IDnsHandler inner) : IDnsHandler
    {
        public DnsMessage? Last;

        public DnsMessage Answer(DnsMessage query) => Last = inner.Answer(query);
    }

    private static string Golden(string name, [CallerFilePath] string path = "") =>
        File.ReadAllText(Path.Combine(Path.GetDirectoryName(path)!, "Golden", name));

    [Theory]
    [InlineData("web.shop.svc.cluster.local", "A", "")]
    [InlineData("_pg._tcp.db.shop.svc.cluster.local", "SRV", "")]
    [InlineData("nope.shop.svc.cluster.local", "A", "")]
    [InlineData("dns-version.cluster.local", "TXT", "+tcp")]
    [InlineData("ext.shop.svc.cluster.local", "A", "+noedns")]
    public async Task Dig_printer_equals_real_dig(string name, string type, string option)
    {
        var dig = ExternalTool.Find("dig");
        if (dig is null) Assert.Skip("dig is not installed (Debian package dnsutils)");
        var handler = new Recording(DnsTestCluster.CoreDns());
        await using var server = new DnsServer(handler, new DnsServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) });
        server.Start();
        var port = server.LocalEndPoint.Port;
        string[] args = option.Length > 0 ? ["@127.0.0.1", "-p", port.ToString(), option, name, type] : ["@127.0.0.1", "-p", port.ToString(), name, type];
        var real = ExternalTool.Run(dig, args).Output;
        var response = handler.Last!;
        var time = int.Parse(Regex.Match(real, @";; Query time: (\d+) msec").Groups[1].Value, CultureInfo.InvariantCulture);
        var when = DateTimeOffset.ParseExact(Regex.Match(real, @";; WHEN: (.*)\n").Groups[1].Value.Replace(" UTC", ""), "ddd MMM dd HH:mm:ss yyyy",
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var size = DnsMessageWriter.Write(response, response.Edns is { } e ? Math.Max(512, (int)e.UdpPayloadSize) : 512).Length;
        var printed = DigPrinter.Print(response, size, new DigContext(string.Join(' ', args), IPAddress.Loopback, port, option == "+tcp", time, when));
        Assert.Equal(real, printed);
    }

    [Theory]
    [InlineData("web.shop.svc.cluster.local")]
    [InlineData("db.shop.svc.cluster.local")]
    [InlineData("ext.shop.svc.cluster.local")]
    public async Task Nslookup_printer_equals_real_bind9_nslookup(string name)
    {
        var nslookup = ExternalTool.Find("nslookup");
        if (nslookup is null) Assert.Skip("nslookup is not installed (Debian package dnsutils)");
        var coredns = DnsTestCluster.CoreDns();
        await using var server = new DnsServer(coredns, new DnsServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) });
        server.Start();
        var port = server.LocalEndPoint.Port;
        var real = ExternalTool.Run(nslookup, "-port=" + port, name, "127.0.0.1").Output;
        var resolver = new StubResolver(ResolvConf.Parse("nameserver 127.0.0.1\n"), ResolverFlavor.Glibc, new DnsTestCluster.HandlerTransport(coredns));
        var printed = NslookupPrinter.Print(resolver.Resolve(name), IPAddress.Loopback, NslookupVariant.Bind9, port);
        // The loadbalance plugin rotates headless answers per response: compare the address lines as a set.
        Assert.Equal(Sorted(real), Sorted(printed));
        Assert.Equal(real.Split('\n')[..3], printed.Split('\n')[..3]);
    }

    private static string Sorted(string s) => string.Join('\n', s.Split('\n').Order(StringComparer.Ordinal));

    [Fact]
    public void Getent_hosts_prints_like_glibc()
    {
        var coredns = DnsTestCluster.CoreDns();
        var conf = ResolvConf.ClusterFirst(IPAddress.Parse("10.96.0.10"), "shop");
        var resolver = new StubResolver(conf, ResolverFlavor.Glibc, new DnsTestCluster.HandlerTransport(coredns));
        var (web, code, lookups) = GetentPrinter.Hosts(resolver, "web");
        Assert.Equal(0, code);
        // AAAA first (gethostbyname2 AF_INET6): the whole search walk finds no AAAA, then the A walk stops at once.
        Assert.Equal(4, lookups[0].Candidates.Count);
        Assert.Single(lookups[1].Candidates);
        var (ext, _, _) = GetentPrinter.Hosts(resolver, "ext");
        var (_, missing, _) = GetentPrinter.Hosts(resolver, "nosuchservice");
        Assert.Equal(2, missing);
        Assert.Equal(Golden("getent_hosts.txt"), web + ext);
    }

    [Fact]
    public void Nslookup_printers_for_failures_and_busybox_banner()
    {
        var coredns = DnsTestCluster.CoreDns();
        var conf = ResolvConf.ClusterFirst(IPAddress.Parse("10.96.0.10"), "shop");
        var glibc = new StubResolver(conf, ResolverFlavor.Glibc, new DnsTestCluster.HandlerTransport(coredns));
        var musl = new StubResolver(conf, ResolverFlavor.Musl, new DnsTestCluster.HandlerTransport(coredns));
        var text = NslookupPrinter.Print(glibc.Resolve("nosuchservice"), IPAddress.Parse("10.96.0.10"))
            + NslookupPrinter.Print(musl.Resolve("web"), IPAddress.Parse("10.96.0.10"), NslookupVariant.Busybox)
            + NslookupPrinter.Print(glibc.Resolve("ext"), IPAddress.Parse("10.96.0.10"));
        Assert.Equal(Golden("nslookup.txt"), text);
    }
}
