namespace Podnet.Cli.Commands.Tour;

/// <summary>The options of <c>podnet tour</c>.</summary>
public sealed record TourOptions
{
    /// <summary>Folder of the tour's manifests (default: <c>examples/tour</c> of this checkout).</summary>
    public string? Examples { get; init; }

    /// <summary>Wait for Enter between steps (<c>--step</c>).</summary>
    public bool Step { get; init; }

    /// <summary>Run only this path (<c>--only N</c>, 0-8); the cluster is still set up first, quietly.</summary>
    public int? Only { get; init; }

    /// <summary>Seed of every emulation the tour runs (<c>--seed</c>): the same seed replays the same tour.</summary>
    public int? Seed { get; init; }

    /// <summary>Folder for each step's packet captures (<c>--pcap DIR</c>).</summary>
    public string? PcapDirectory { get; init; }

    /// <summary><c>text</c> or <c>json</c>.</summary>
    public string Output { get; init; } = "text";
}
