namespace Podnet.Cli.Commands.Tour;

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
