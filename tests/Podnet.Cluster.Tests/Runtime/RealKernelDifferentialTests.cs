using System.Diagnostics;
using System.Globalization;
using Podnet.Cluster.Cni;
using Podnet.Cluster.Runtime;
using Xunit;

namespace Podnet.Cluster.Tests.Runtime;

/// <summary>
/// The differential check (issue 5, item 5): the namespaces, veths, bridges, addresses and routes the
/// node components made in the emulation are replayed with the real <c>ip</c>/<c>sysctl</c> in
/// uniquely named namespaces, and the same traffic gets the same outcome from the real kernel.
/// Root only; every namespace is deleted afterwards; traffic stays inside the test's namespaces.
/// </summary>
public sealed class RealKernelDifferentialTests
{
    private const string Pods = """
        apiVersion: v1
        kind: Pod
        metadata: {name: client}
        spec:
          nodeName: podnet-worker
          containers: [{name: main, image: nicolaka/netshoot, command: [sleep, infinity]}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: near}
        spec:
          nodeName: podnet-worker
          containers: [{name: main, image: registry.k8s.io/e2e-test-images/agnhost:2.52, args: [netexec, --http-port=8080], ports: [{containerPort: 8080}]}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: far}
        spec:
          nodeName: podnet-worker2
          containers: [{name: main, image: registry.k8s.io/e2e-test-images/agnhost:2.52, args: [netexec, --http-port=8080], ports: [{containerPort: 8080}]}]
        """;

    private static (int Code, string Out, string Err) Sh(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(20000)) p.Kill(true);
        return (p.ExitCode, o.Result, e.Result);
    }

    private static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux()) return "not Linux";
        if (Environment.UserName != "root") return "needs root to create network namespaces";
        foreach (var tool in new[] { "ip", "curl", "python3" })
            if (Sh("sh", "-c", "command -v " + tool).Code != 0) return tool + " is not installed";
        var probe = "pnprobe" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        if (Sh("ip", "netns", "add", probe).Code != 0) return "ip netns add is not permitted here";
        Sh("ip", "netns", "del", probe);
        return null;
    }

    [Fact]
    public void HostGwTopology_CarriesTheSameTrafficOnTheRealKernel()
    {
        if (Unavailable() is { } why)
        {
            Assert.Skip("real-kernel differential check skipped: " + why);
            return;
        }
        ClusterRuntime rt;
        List<(string Namespace, string Command)> journal;
        using (var j = Netlink.Record())
        {
            rt = RuntimeFixture.Realize(Pods);
            rt.EnsureNode("podnet-worker");
            rt.EnsureNode("podnet-worker2");
            j.Dispose();
            journal = j.Commands;
        }
        var client = RuntimeFixture.PodIp(rt, "client");
        var near = RuntimeFixture.PodIp(rt, "near");
        var far = RuntimeFixture.PodIp(rt, "far");
        var missing = far[..far.LastIndexOf('.')] + ".250";
        // the emulation's outcomes
        string Emu(string ip) => rt.ExecInPod("default", "client", null, ["curl", "-s", "-m", "2", $"http://{ip}:8080/clientip"], false, out _)!.ExitCode.ToString(CultureInfo.InvariantCulture);
        var emulated = new[] { Emu(near), Emu(far), Emu(missing) };
        var seenEmu = rt.ExecInPod("default", "client", null, ["curl", "-s", $"http://{far}:8080/clientip"], false, out _)!.Stdout.Split(':')[0];

        var prefix = "pn" + Environment.ProcessId.ToString("x", CultureInfo.InvariantCulture) + "-";
        var names = journal.Select(c => c.Namespace).Concat(rt.World.Namespaces.Select(n => n.Name)).Distinct().ToList();
        string Real(string ns) => (prefix + ns).Length <= 40 ? prefix + ns : prefix + ns[..(40 - prefix.Length)];
        var servers = new List<Process>();
        try
        {
            foreach (var n in names) Assert.Equal(0, Sh("ip", "netns", "add", Real(n)).Code);
            foreach (var (ns, cmd) in journal)
            {
                var words = Podnet.Kernel.Tools.CommandLine.Split(cmd);
                for (int i = 0; i + 1 < words.Count; i++)
                    if (words[i] == "netns" && words[0] == "ip") words[i + 1] = Real(words[i + 1]);
                var r = Sh("ip", ["netns", "exec", Real(ns), .. words]);
                if (r.Code != 0 && !cmd.Contains("bridge-nf-call", StringComparison.Ordinal))
                    Assert.Fail($"replaying `{cmd}` in {ns} failed: {r.Err}");
            }
            string PodNs(string pod) => Real(rt.EnsurePod("default", pod, out _)!.Namespace.Name);
            foreach (var (pod, ip) in new[] { ("near", near), ("far", far) })
            {
                var psi = new ProcessStartInfo("ip", ["netns", "exec", PodNs(pod), "python3", "-m", "http.server", "8080", "--bind", ip]) { RedirectStandardError = true, RedirectStandardOutput = true };
                servers.Add(Process.Start(psi)!);
            }
            foreach (var pod in new[] { "near", "far" })
            {
                for (int i = 0; i < 100 && !Sh("ip", "netns", "exec", PodNs(pod), "ss", "-ltn").Out.Contains(":8080", StringComparison.Ordinal); i++) Thread.Sleep(100);
            }
            string RealCurl(string ip) => Sh("ip", "netns", "exec", PodNs("client"), "curl", "-s", "-o", "/dev/null", "-m", "2", $"http://{ip}:8080/").Code.ToString(CultureInfo.InvariantCulture);
            var real = new[] { RealCurl(near), RealCurl(far), RealCurl(missing) };
            Assert.True(emulated.SequenceEqual(real), $"emulated [{string.Join(",", emulated)}] real [{string.Join(",", real)}]");
            Assert.Equal(["0", "0", "28"], real);
            foreach (var s in servers) s.Kill(true);
            var farLog = servers[1].StandardError.ReadToEnd();
            Assert.Contains(client + " - - [", farLog);
            Assert.Equal(client, seenEmu);
        }
        finally
        {
            foreach (var s in servers)
            {
                try { if (!s.HasExited) s.Kill(true); } catch (InvalidOperationException) { }
                s.Dispose();
            }
            foreach (var n in names) Sh("ip", "netns", "del", Real(n));
        }
    }
}
