using System.Runtime.CompilerServices;

namespace Podnet.Cluster.Tests.Api;

/// <summary>Locates test data next to the test sources (no csproj copy rules needed).</summary>
internal static class TestData
{
    public static string ApiTestsDir() => Here();

    private static string Here([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    public static string Golden(string name) => Path.Combine(ApiTestsDir(), "Serialization", "Golden", name);

    public static string ReadGolden(string name) => File.ReadAllText(Golden(name));

    /// <summary>Asserts text equals a golden file; with PODNET_UPDATE_GOLDEN=1 rewrites it instead.</summary>
    public static void AssertGolden(string name, string actual)
    {
        var path = Golden(name);
        if (Environment.GetEnvironmentVariable("PODNET_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Xunit.Assert.Equal(File.ReadAllText(path), actual);
    }

}
