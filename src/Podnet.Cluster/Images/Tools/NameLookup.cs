using System.Net;
using Podnet.Cluster.Dns.Resolver;
using Podnet.Cluster.Images.Dns;
using Podnet.Cluster.Kubelet;
using Podnet.Kernel.Wire;

namespace Podnet.Cluster.Images.Tools;

/// <summary>getaddrinfo as the tools use it: a literal address, then <c>/etc/hosts</c>, then DNS over the network.</summary>
public static class NameLookup
{
    /// <summary>The first IPv4 address of <paramref name="name"/>, or null (NXDOMAIN or no answer).</summary>
    public static async Task<uint?> ResolveAsync(ToolContext ctx, string name)
    {
        if (Ipv4Address.TryParse(name, out var lit)) return lit;
        if (ctx.Process.Files.TryGetValue("/etc/hosts", out var hosts) && EtcHosts.Lookup(hosts, name) is { } h && Ipv4Address.TryParse(h, out var hv)) return hv;
        if (name == "localhost") return Ipv4Address.Loopback;
        var r = await NetworkResolver.ResolveAsync(ctx.Process.Namespace, ctx.ResolvConf, ctx.Flavor, name, AddressRequest.Both, ctx.NewTrace("dns " + name));
        var a = r.Addresses.FirstOrDefault(x => x.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
        return a is null ? null : Ipv4Address.Parse(a.ToString());
    }

    /// <summary>Parses an address literal.</summary>
    public static IPAddress Ip(uint a) => IPAddress.Parse(Ipv4Address.Format(a));
}
