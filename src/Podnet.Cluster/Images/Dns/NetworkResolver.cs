using Podnet.Cluster.Dns.Resolver;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Tracing;

namespace Podnet.Cluster.Images.Dns;

/// <summary>
/// A process's name lookup over the emulated network: the DNS part's stub resolver (glibc, musl or
/// dig order over the pod's resolv.conf), its queries sent as UDP datagrams from the process's
/// namespace to the nameservers, so they cross kube-proxy's DNAT to a CoreDNS pod like real ones.
/// </summary>
public static class NetworkResolver
{
    /// <summary>Resolves <paramref name="name"/>; the resolver's full result (candidates, exchanges, addresses).</summary>
    public static async Task<ResolutionResult> ResolveAsync(NetNamespace ns, ResolvConf conf, ResolverFlavor flavor, string name,
        AddressRequest request = AddressRequest.Both, ITraceSink? trace = null)
    {
        var transport = new ReplayTransport();
        var resolver = new StubResolver(conf, flavor, transport);
        var timeout = TimeSpan.FromSeconds(Math.Max(1, conf.TimeoutSeconds));
        for (int guard = 0; guard < 256; guard++)
        {
            try
            {
                return resolver.Resolve(name, request);
            }
            catch (ReplayTransport.NeedExchange need)
            {
                var answer = await DnsUdp.ExchangeAsync(ns, need.Server, need.Query, timeout, trace);
                transport.Record(need.Server, need.Query, answer);
            }
        }
        throw new InvalidOperationException("resolver did not converge");
    }

    /// <summary>Runs a lookup of explicit record types (dig, nslookup -type=...).</summary>
    public static async Task<ResolutionResult> LookupAsync(NetNamespace ns, ResolvConf conf, ResolverFlavor flavor, string name,
        IReadOnlyList<Podnet.Cluster.Dns.Wire.DnsRecordType> types, ITraceSink? trace = null)
    {
        var transport = new ReplayTransport();
        var resolver = new StubResolver(conf, flavor, transport);
        var timeout = TimeSpan.FromSeconds(Math.Max(1, conf.TimeoutSeconds));
        for (int guard = 0; guard < 256; guard++)
        {
            try
            {
                return resolver.Lookup(name, types);
            }
            catch (ReplayTransport.NeedExchange need)
            {
                var answer = await DnsUdp.ExchangeAsync(ns, need.Server, need.Query, timeout, trace);
                transport.Record(need.Server, need.Query, answer);
            }
        }
        throw new InvalidOperationException("resolver did not converge");
    }
}
