namespace Podnet.Cli.Commands.Tour;

/// <summary>One command the tour ran, as the user would type it, with what it printed and whether it did what the path needs.</summary>
/// <param name="Number">the substep number (<c>4.2</c>)</param>
/// <param name="Command">the command line shown (<c>podnet exec ... -- curl ...</c>)</param>
/// <param name="ExitCode">its exit code</param>
/// <param name="ExpectedExitCode">the exit code the path needs (a dropped connection's curl exits 28)</param>
/// <param name="Stdout">what it printed on stdout</param>
/// <param name="Stderr">what it printed on stderr</param>
/// <param name="Problem">why the command does not count as a success although the exit code matched (e.g. the backend saw a NATed address), or null</param>
public sealed record TourCommandRun(string Number, string Command, int ExitCode, int ExpectedExitCode, string Stdout, string Stderr, string? Problem = null)
{
    /// <summary>The command did what the path needs.</summary>
    public bool Ok => ExitCode == ExpectedExitCode && Problem is null;
}

/// <summary>One step of the tour: one of the eight communication paths (0 = setting up the cluster).</summary>
public sealed class TourStepRun(int path, string title, string text)
{
    /// <summary>The path number (1-8; 0 for the setup).</summary>
    public int Path { get; } = path;

    /// <summary>The plain-language heading.</summary>
    public string Title { get; } = title;

    /// <summary>What the step shows and why, before the commands.</summary>
    public string Text { get; } = text;

    /// <summary>The commands run, in order.</summary>
    public List<TourCommandRun> Commands { get; } = [];

    /// <summary>The closing line: what happened, from the measured outcomes.</summary>
    public string Closing { get; set; } = "";

    /// <summary>pcap files written for this step (with <c>--pcap</c>).</summary>
    public List<string> Captures { get; } = [];

    /// <summary>Every command did what the path needs.</summary>
    public bool Ok => Commands.All(c => c.Ok);
}
