using System.Runtime.CompilerServices;
using System.Text;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Tools;
using Xunit;

namespace Podnet.Kernel.Tests.Tools;

/// <summary>
/// The same iproute2 script run by the emulator and (as root) by the real kernel: the transcripts
/// must agree. The golden file is the real kernel's transcript recorded on this project's machine
/// (iproute2 6.1), so the formats stay checked where namespaces cannot be made.
/// </summary>
public class IpGoldenTests
{
    private static readonly (string Ns, string Cmd)[] Script =
    [
        ("nsa", "ip link set lo up"),
        ("nsa", "ip link add veth0 type veth peer name veth1 netns {nsb}"),
        ("nsa", "ip link set veth0 address 02:00:00:00:00:01"),
        ("nsb", "ip link set veth1 address 02:00:00:00:00:02"),
        ("nsa", "ip link add br0 type bridge"),
        ("nsa", "ip link set br0 address 02:00:00:00:00:0b"),
        ("nsa", "ip link set veth0 master br0"),
        ("nsa", "ip addr add 10.0.0.1/24 dev br0"),
        ("nsa", "ip link set br0 up"),
        ("nsa", "ip link set veth0 up"),
        ("nsa", "ip link add br1 type bridge"),
        ("nsa", "ip link set br1 address 02:00:00:00:00:0c"),
        ("nsa", "ip link add br0 type bridge"),
        ("nsb", "ip link set lo up"),
        ("nsb", "ip addr add 10.0.0.2/24 dev veth1"),
        ("nsb", "ip link set veth1 up"),
        ("nsb", "ip route add default via 10.0.0.1"),
        ("nsb", "ip route add 10.9.0.0/16 via 10.0.0.1 dev veth1 src 10.0.0.2 metric 5"),
        ("nsb", "ip route add blackhole 10.8.0.0/16"),
        ("nsb", "ip route add 10.7.0.0/16 dev veth1 scope link"),
        ("nsb", "ip route add 10.7.0.0/16 dev veth1"),
        ("nsb", "ip route del 10.99.0.0/16"),
        ("nsb", "ip route add 10.6.0.0/16 via 10.5.0.1"),
        ("nsb", "ip addr add 10.0.0.2/24 dev veth1"),
        ("nsb", "ip link set nope up"),
        ("nsb", "ip route replace 10.7.0.0/16 via 10.0.0.1"),
        ("nsb", "ip route add unreachable 10.5.0.0/16"),
        ("nsb", "ip route add prohibit 10.4.0.0/16"),
        ("nsb", "ip route add 10.10.0.0/24 dev veth1 proto static metric 100"),
        ("nsb", "ip neigh add 10.0.0.50 lladdr 02:00:00:00:00:50 dev veth1"),
        ("nsb", "ip neigh add 10.0.0.50 lladdr 02:00:00:00:00:51 dev veth1"),
        ("nsb", "ip neigh replace 10.0.0.50 lladdr 02:00:00:00:00:52 dev veth1"),
        ("nsa", "sleep"),
        ("nsb", "ip route"),
        ("nsb", "ip route show table local"),
        ("nsb", "ip route get 10.9.1.1"),
        ("nsb", "ip route get 10.0.0.1"),
        ("nsb", "ip route get 10.0.0.2"),
        ("nsb", "ip route get 127.0.0.5"),
        ("nsb", "ip route get 10.8.0.1"),
        ("nsb", "ip route get 10.5.0.1"),
        ("nsb", "ip route get 10.4.0.1"),
        ("nsb", "ip route get 10.0.0.255"),
        ("nsb", "ip route get 203.0.113.1"),
        ("nsb", "ip addr"),
        ("nsb", "ip link"),
        ("nsa", "ip link"),
        ("nsa", "ip addr show dev br0"),
        ("nsa", "ip link show type bridge"),
        ("nsb", "ip neigh"),
        ("nsa", "ip route"),
        ("nsb", "ip route del default"),
        ("nsb", "ip route get 203.0.113.1"),
        ("nsb", "ip link set veth1 down"),
        ("nsb", "ip route"),
        ("nsb", "ip link show veth1"),
        ("nsa", "ip link del br1"),
        ("nsa", "ip link show br1"),
        ("nsb", "sysctl -w net.ipv4.ip_forward=1"),
        ("nsb", "sysctl net.ipv4.ip_forward"),
        ("nsb", "sysctl -w net.ipv4.conf.all.route_localnet=1"),
        ("nsb", "sysctl net.ipv4.nosuchkey"),
    ];

    private static string GoldenPath([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Golden", "ip-script.txt");

    private static void Append(StringBuilder t, string ns, string cmd, int code, string stdout, string stderr)
    {
        t.Append("$ [").Append(ns).Append("] ").Append(cmd).Append('\n').Append(stdout).Append(stderr);
        if (code != 0) t.Append("(exit ").Append(code).Append(")\n");
    }

    internal static string Emulated()
    {
        var w = new World(7);
        w.CreateNamespace("nsa");
        w.CreateNamespace("nsb");
        var t = new StringBuilder();
        foreach (var (ns, cmd) in Script)
        {
            if (cmd == "sleep") continue;
            var line = cmd.Replace("{nsb}", "nsb");
            var r = KernelShell.Execute(w, w.GetNamespace(ns), line);
            Append(t, ns, line, r.ExitCode, r.Stdout, r.Stderr);
        }
        return t.ToString();
    }

    /// <summary>Drops what the emulator does not model (IPv6) from real output.</summary>
    internal static string WithoutIpv6(string s)
    {
        var lines = s.Split('\n').ToList();
        var o = new StringBuilder();
        for (int i = 0; i < lines.Count; i++)
        {
            if (lines[i].StartsWith("    inet6 ", StringComparison.Ordinal)) { i++; continue; }
            o.Append(lines[i]);
            if (i < lines.Count - 1) o.Append('\n');
        }
        return o.ToString();
    }

    private static string Real(RealNetns real)
    {
        real.Add("nsa");
        real.Add("nsb");
        var t = new StringBuilder();
        foreach (var (ns, cmd) in Script)
        {
            if (cmd == "sleep") { Thread.Sleep(1500); continue; }
            var line = cmd.Replace("{nsb}", real.RealName("nsb"));
            var r = real.In(ns, CommandLine.Split(line).ToArray());
            Append(t, ns, cmd.Replace("{nsb}", "nsb"), r.ExitCode, real.Logical(WithoutIpv6(r.Stdout)), real.Logical(r.Stderr));
        }
        return t.ToString();
    }

    [Fact]
    public void Emulator_transcript_matches_the_recorded_real_kernel_transcript()
    {
        var golden = File.ReadAllText(GoldenPath());
        var emulated = Emulated();
        Assert.Equal(golden, emulated);
    }

    [Fact]
    public void Emulator_transcript_matches_the_real_kernel_now()
    {
        using var real = RealNetns.Create();
        var transcript = Real(real);
        if (Environment.GetEnvironmentVariable("PODNET_WRITE_GOLDEN") == "1") File.WriteAllText(GoldenPath(), transcript);
        Assert.Equal(transcript, Emulated());
    }
}
