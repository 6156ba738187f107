using System.Buffers.Binary;

namespace Podnet.Cluster.Dns.Wire;

/// <summary>DNS over TCP framing (RFC 1035 §4.2.2, RFC 7766 §8): each message is preceded by its length as a
/// two-byte big-endian integer.</summary>
public static class DnsTcpFraming
{
    /// <summary>Prefixes <paramref name="message"/> with its two-byte length.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> message)
    {
        if (message.Length > ushort.MaxValue) throw new ArgumentException("DNS message longer than 65535 bytes cannot be framed");
        var framed = new byte[message.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
        message.CopyTo(framed.AsSpan(2));
        return framed;
    }

    /// <summary>Splits a byte stream into complete frames; returns how many bytes were consumed (an incomplete trailing
    /// frame is left for later).</summary>
    public static int Deframe(ReadOnlySpan<byte> stream, List<byte[]> frames)
    {
        var pos = 0;
        while (stream.Length - pos >= 2)
        {
            int len = BinaryPrimitives.ReadUInt16BigEndian(stream[pos..]);
            if (stream.Length - pos - 2 < len) break;
            frames.Add(stream.Slice(pos + 2, len).ToArray());
            pos += 2 + len;
        }
        return pos;
    }
}
