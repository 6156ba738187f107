using System.Net;
using Podnet.Cluster.KubeProxy;

namespace Podnet.Bench.KubeProxy;

/// <summary>Builds a large kube-proxy state: N Services with E endpoints each, spread over 100 nodes.</summary>
public static class KubeProxyScale
{
    /// <summary>The node the proxier runs on.</summary>
    public static ProxierConfig Config() => new()
    {
        NodeName = "node-0",
        NodeIP = IPAddress.Parse("172.18.0.2"),
        NodeAddresses = [IPAddress.Loopback, IPAddress.Parse("172.18.0.2")],
        LocalDetector = LocalTrafficDetector.ForCidr("10.244.0.0/16"),
        ServiceCIDRs = ["10.96.0.0/12"],
    };

    /// <summary>
    /// The state; every tenth Service is a NodePort, every hundredth has ClientIP affinity.
    /// <paramref name="variant"/> moves one endpoint of the first Service (for partial syncs).
    /// </summary>
    public static ProxyState Build(int services, int endpointsPerService, int variant = 0)
    {
        var ports = new List<ServicePortInfo>(services);
        var eps = new List<KeyValuePair<ServicePortName, IEnumerable<EndpointInfo>>>(services);
        for (int i = 0; i < services; i++)
        {
            var name = new ServicePortName("ns-" + (i % 100), "svc-" + i, "http", L4Protocol.Tcp);
            var cip = new IPAddress(new byte[] { 10, (byte)(96 + (i >> 16)), (byte)((i >> 8) & 0xFF), (byte)(i & 0xFF) });
            ports.Add(new ServicePortInfo(name, cip, 80,
                nodePort: i % 10 == 0 ? 30000 + (i / 10) % 2768 : 0,
                sessionAffinityClientIP: i % 100 == 7));
            var list = new EndpointInfo[endpointsPerService];
            for (int e = 0; e < endpointsPerService; e++)
            {
                int n = i * endpointsPerService + e + (i == 0 && e == 0 ? variant : 0);
                var ip = new IPAddress(new byte[] { 10, (byte)(128 + ((n >> 16) & 0x7F)), (byte)((n >> 8) & 0xFF), (byte)(n & 0xFF) });
                list[e] = new EndpointInfo(ip, 8080, isLocal: n % 100 == 0);
            }
            eps.Add(new(name, list));
        }
        return ProxyState.Create(ports, eps);
    }
}
