using Xunit;

namespace Podnet.Cli.Tests;

/// <summary>
/// Golden files beside the tests (read through the source path). Set <c>PODNET_UPDATE_GOLDEN=1</c>
/// to (re)write them, then review the diff: they are the expected kubectl output shapes.
/// </summary>
internal static class Golden
{
    public static void Assert(string name, string actual, [System.Runtime.CompilerServices.CallerFilePath] string caller = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(caller)!, "Golden", name);
        if (Environment.GetEnvironmentVariable("PODNET_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
        }
        Xunit.Assert.True(File.Exists(path), $"golden file {path} is missing (run with PODNET_UPDATE_GOLDEN=1 once and review it)");
        Xunit.Assert.Equal(File.ReadAllText(path), actual);
    }
}
