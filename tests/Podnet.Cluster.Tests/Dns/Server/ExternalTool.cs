using System.Diagnostics;

namespace Podnet.Cluster.Tests.Dns.Server;

/// <summary>Runs a real command-line tool (dig, nslookup) and captures its output.</summary>
internal static class ExternalTool
{
    public static string? Find(string name) =>
        new[] { "/usr/bin/", "/bin/", "/usr/local/bin/" }.Select(d => d + name).FirstOrDefault(File.Exists);

    public static (int ExitCode, string Output) Run(string path, params string[] args)
    {
        var psi = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill();
            throw new TimeoutException($"{path} did not finish");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
