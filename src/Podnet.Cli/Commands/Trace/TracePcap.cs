using Podnet.Kernel.Tracing;

namespace Podnet.Cli.Commands.Trace;

/// <summary>Writes a <see cref="ConnectionTrace"/>'s frames as a pcap file (Wireshark, tshark): every frame of the flow on every device it crossed, in virtual-time order.</summary>
public static class TracePcap
{
    /// <summary>Writes the frames to <paramref name="path"/>; returns how many.</summary>
    public static int Write(ConnectionTrace trace, string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        using var stream = File.Create(path);
        using var pcap = new PcapWriter(stream);
        foreach (var f in trace.Frames)
        {
            pcap.Write(f.Time, f.Data);
        }

        return pcap.Packets;
    }
}
