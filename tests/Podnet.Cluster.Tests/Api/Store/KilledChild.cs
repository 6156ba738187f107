using System.Diagnostics;
using Xunit;

namespace Podnet.Cluster.Tests.Api.Store;

/// <summary>
/// The kill tests' child process: runs one test method of this assembly in a new process (with the database
/// path in an environment variable), waits until it writes <c>&lt;db&gt;.half</c> in the middle of its write,
/// and kills it there.
/// </summary>
internal static class KilledChild
{
    /// <summary>Runs <paramref name="testClass"/>.<paramref name="method"/> with <paramref name="variable"/> = <paramref name="db"/> and kills it halfway.</summary>
    public static void RunUntilHalfway(Type testClass, string method, string variable, string db, string what)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(testClass.Assembly.Location);
        psi.ArgumentList.Add("-method");
        psi.ArgumentList.Add(testClass.FullName + "." + method);
        psi.Environment[variable] = db;
        using var child = Process.Start(psi)!;
        child.OutputDataReceived += (_, _) => { };
        child.ErrorDataReceived += (_, _) => { };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!File.Exists(db + ".half"))
        {
            if (child.HasExited || DateTime.UtcNow > deadline)
            {
                Assert.Fail($"child did not reach the middle of the {what} (exited: {child.HasExited})");
            }

            Thread.Sleep(50);
        }

        child.Kill(entireProcessTree: true);
        child.WaitForExit();
    }
}
