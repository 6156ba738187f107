using Podnet.Cli.Commands;

namespace Podnet.Cli.Tests;

/// <summary>Runs <c>podnet</c> in-process with captured streams, a fixed clock and a private <c>$PODNET_HOME</c>.</summary>
internal sealed class CliHarness : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    public CliHarness()
    {
        Home = Path.Combine(Path.GetTempPath(), "podnet-cli-tests-" + Guid.NewGuid().ToString("N"));
        Now = Start;
    }

    public string Home { get; }

    public DateTimeOffset Now { get; set; }

    public static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));

    public static string Examples => Path.Combine(RepoRoot(), "examples", "tour");

    public (int Code, string Out, string Err) Run(params string[] args) => Run(args, "");

    public (int Code, string Out, string Err) Run(string[] args, string stdin)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var context = new CliContext(stdout, stderr, new StringReader(stdin), () => Now, Home);
        var code = PodnetCli.Run(args, context);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public void Dispose()
    {
        if (Directory.Exists(Home))
        {
            Directory.Delete(Home, recursive: true);
        }
    }
}
