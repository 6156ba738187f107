namespace Podnet.Cli.Commands;

/// <summary>
/// What a command runs against: the standard streams, the wall clock (injected so that AGE columns
/// are deterministic in tests), and <c>$PODNET_HOME</c> (like kubectl's kubeconfig location).
/// </summary>
public sealed class CliContext
{
    /// <summary>Creates a context.</summary>
    public CliContext(TextWriter stdout, TextWriter stderr, TextReader stdin, Func<DateTimeOffset> clock, string home)
    {
        Out = stdout;
        Err = stderr;
        In = stdin;
        Clock = clock;
        Home = home;
    }

    /// <summary>Standard output.</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error (warnings, "No resources found", errors).</summary>
    public TextWriter Err { get; }

    /// <summary>Standard input (<c>-f -</c>).</summary>
    public TextReader In { get; }

    /// <summary>The wall clock used for creation timestamps and AGE.</summary>
    public Func<DateTimeOffset> Clock { get; }

    /// <summary>The Podnet home folder (<c>$PODNET_HOME</c>, default <c>~/.podnet</c>).</summary>
    public string Home { get; }

    /// <summary>
    /// Optional diagnostics: told the name and wall time of each step of an apply and of each controller
    /// in the convergence (set from <c>PODNET_TIMINGS=1</c>, written to standard error).
    /// </summary>
    public Action<string, TimeSpan>? Timings { get; init; }

    /// <summary>The context of a real process: console streams, system clock, <c>$PODNET_HOME</c>.</summary>
    public static CliContext FromEnvironment()
    {
        var home = Environment.GetEnvironmentVariable("PODNET_HOME");
        if (string.IsNullOrEmpty(home))
        {
            home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".podnet");
        }
        var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
        var stderr = new StreamWriter(Console.OpenStandardError()) { AutoFlush = true };
        Action<string, TimeSpan>? timings = Environment.GetEnvironmentVariable("PODNET_TIMINGS") == "1"
            ? (step, elapsed) => stderr.WriteLine(FormattableString.Invariant($"podnet timings: {step}: {elapsed.TotalSeconds:F3} s"))
            : null;
        return new CliContext(stdout, stderr, Console.In, () => DateTimeOffset.UtcNow, home) { Timings = timings };
    }
}
