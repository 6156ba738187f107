using System.Diagnostics;

namespace Podnet.Cluster.Tests.KubeProxy;

/// <summary>
/// A uniquely named network namespace made with <c>ip netns add</c> for one test and deleted on
/// dispose. <see cref="TryCreate"/> returns null with a reason when not root or a tool is missing.
/// </summary>
internal sealed class NetnsScope : IDisposable
{
    private NetnsScope(string name) => Name = name;

    public string Name { get; }

    public static NetnsScope? TryCreate(out string reason, params string[] tools)
    {
        if (!OperatingSystem.IsLinux()) { reason = "not Linux"; return null; }
        if (Environment.UserName != "root" && Run("id", "-u").Output.Trim() != "0") { reason = "needs root for ip netns"; return null; }
        foreach (var tool in tools.Prepend("ip"))
        {
            if (!ToolExists(tool)) { reason = tool + " is not installed"; return null; }
        }
        var name = "podnet-kp-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8];
        var r = Run("ip", "netns", "add", name);
        if (r.ExitCode != 0) { reason = "ip netns add failed: " + r.Output.Trim(); return null; }
        reason = "";
        return new NetnsScope(name);
    }

    private static bool ToolExists(string tool) =>
        new[] { "/usr/sbin", "/sbin", "/usr/bin", "/bin" }.Any(d => File.Exists(Path.Combine(d, tool)));

    /// <summary>Runs a command inside the namespace, feeding <paramref name="stdin"/>.</summary>
    public (int ExitCode, string Output) Exec(string? stdin, params string[] command) =>
        Run("ip", ["netns", "exec", Name, .. command], stdin);

    public static (int ExitCode, string Output) Run(string file, string[] args, string? stdin = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var outTask = p.StandardOutput.ReadToEndAsync();
        var errTask = p.StandardError.ReadToEndAsync();
        if (stdin is not null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        p.WaitForExit();
        return (p.ExitCode, outTask.Result + errTask.Result);
    }

    public static (int ExitCode, string Output) Run(string file, params string[] args) => Run(file, args, null);

    public void Dispose() => Run("ip", "netns", "del", Name);
}
