using System.Diagnostics;
using Xunit;

namespace Podnet.Kernel.Tests;

/// <summary>Runs commands against the real Linux kernel in namespaces this test creates (root only), and deletes them.</summary>
internal sealed class RealNetns : IDisposable
{
    private static int _counter;
    private readonly List<string> _created = [];
    private readonly string _prefix;

    private RealNetns() => _prefix = $"pnk{Environment.ProcessId}x{Interlocked.Increment(ref _counter)}";

    /// <summary>Skips the test (with the reason printed) unless we are root and <c>ip</c> can make namespaces.</summary>
    public static RealNetns Create()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("real-kernel differential test: not Linux");
        if (Environment.UserName != "root" && Exec("id", "-u").Stdout.Trim() != "0") Assert.Skip("real-kernel differential test: needs root to create network namespaces");
        if (!File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") && !File.Exists("/usr/bin/ip") && !File.Exists("/bin/ip"))
            Assert.Skip("real-kernel differential test: iproute2 (ip) is not installed");
        var r = new RealNetns();
        var probe = r.Add("probe");
        if (probe == null) Assert.Skip("real-kernel differential test: `ip netns add` failed here (no namespace support)");
        return r;
    }

    public static bool HasPython() => Exec("sh", "-c", "command -v python3").ExitCode == 0;

    /// <summary>Creates a namespace; returns its real name, or null when that failed.</summary>
    public string? Add(string logical)
    {
        var name = RealName(logical);
        var r = Exec("ip", "netns", "add", name);
        if (r.ExitCode != 0) return null;
        _created.Add(name);
        return name;
    }

    public string RealName(string logical) => $"{_prefix}{logical}";

    /// <summary>Replaces real namespace names by logical ones in tool output.</summary>
    public string Logical(string text) => text.Replace(_prefix, "");

    /// <summary>Runs <paramref name="args"/> inside namespace <paramref name="logical"/>.</summary>
    public (int ExitCode, string Stdout, string Stderr) In(string logical, params string[] args) =>
        Exec("ip", ["netns", "exec", RealName(logical), .. args]);

    public static (int ExitCode, string Stdout, string Stderr) Exec(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            var o = p.StandardOutput.ReadToEndAsync();
            var e = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(60_000))
            {
                p.Kill(true);
                return (124, o.Result, e.Result + "timeout");
            }
            return (p.ExitCode, o.Result, e.Result);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (127, "", ex.Message);
        }
    }

    public void Dispose()
    {
        foreach (var n in _created) Exec("ip", "netns", "del", n);
    }
}
