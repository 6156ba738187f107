using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Podnet.Cluster.KubeProxy;

/// <summary>
/// kube-proxy's chain-name hashes: base32 (RFC 4648, A-Z2-7) of the SHA-256 of a name, truncated.
/// iptables: <c>KUBE-SVC-</c>/<c>KUBE-SVL-</c>/<c>KUBE-EXT-</c>/<c>KUBE-FW-</c> + 16 chars of
/// <c>hash(spn + proto)</c>, <c>KUBE-SEP-</c> + 16 chars of <c>hash(spn + proto + ip:port)</c>;
/// nftables: 8 chars + "-" + <c>ns/svc/proto/port</c> (endpoint: <c>…__ip/port</c>), cut to 240.
/// </summary>
public static class ChainNames
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>knftables.NameLengthMax (256) minus the longest prefix (16).</summary>
    public const int NftChainNameBaseLengthMax = 240;

    /// <summary>The first <paramref name="chars"/> (a multiple of 8, at most 48) base32 characters of SHA-256(<paramref name="text"/>).</summary>
    public static string HashBase32(string text, int chars)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        Span<byte> input = max <= 512 ? stackalloc byte[max] : (rented = ArrayPool<byte>.Shared.Rent(max));
        int n = Encoding.UTF8.GetBytes(text, input);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input[..n], hash);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        Span<char> dst = stackalloc char[chars];
        int bitPos = 0;
        for (int i = 0; i < dst.Length; i++)
        {
            int byteIndex = bitPos >> 3, offset = bitPos & 7;
            int word = (hash[byteIndex] << 8) | (byteIndex + 1 < hash.Length ? hash[byteIndex + 1] : 0);
            dst[i] = Alphabet[(word >> (11 - offset)) & 0x1F];
            bitPos += 5;
        }
        return new string(dst);
    }

    /// <summary>Upstream <c>portProtoHash</c>: 16 chars of hash(<c>servicePortName + protocol</c>).</summary>
    public static string PortProtoHash(string servicePortName, string protocol) => HashBase32(servicePortName + protocol, 16);

    /// <summary><c>KUBE-SVC-</c> + portProtoHash.</summary>
    public static string ServiceClusterChain(string hash) => "KUBE-SVC-" + hash;

    /// <summary>Upstream <c>servicePortEndpointChainName</c>: <c>KUBE-SEP-</c> + 16 chars of hash(spn + proto + endpoint).</summary>
    public static string IptablesEndpointChain(string servicePortName, string protocol, string endpoint) =>
        "KUBE-SEP-" + HashBase32(servicePortName + protocol + endpoint, 16);

    /// <summary>Upstream nftables <c>hashAndTruncate</c>: 8 hash chars + "-" + name, truncated to 240 with "...".</summary>
    public static string HashAndTruncate(string name)
    {
        var s = HashBase32(name, 8) + "-" + name;
        if (s.Length > NftChainNameBaseLengthMax) s = s[..(NftChainNameBaseLengthMax - 3)] + "...";
        return s;
    }

    /// <summary>Upstream <c>servicePortChainNameBase</c>: <c>HASH-ns/svc/proto/portName</c>.</summary>
    public static string NftServiceBase(string ns, string name, string protocol, string portName) =>
        HashAndTruncate(ns + "/" + name + "/" + protocol + "/" + portName);

    /// <summary>Upstream <c>servicePortEndpointChainNameBase</c>: <c>HASH-ns/svc/proto/portName__ip/port</c> (IPv6 ':' → '.').</summary>
    public static string NftEndpointBase(string ns, string name, string protocol, string portName, string endpoint)
    {
        int colon = endpoint.LastIndexOf(':');
        string ip = endpoint[..colon], port = endpoint[(colon + 1)..];
        if (ip.StartsWith('[')) ip = ip[1..^1];
        if (ip.Contains(':')) ip = ip.Replace(':', '.');
        return HashAndTruncate(ns + "/" + name + "/" + protocol + "/" + portName + "__" + ip + "/" + port);
    }
}
