using System.CommandLine;
using System.Globalization;
using Podnet.Cli.Commands.Tour;

namespace Podnet.Cli.Commands;

/// <summary>
/// <c>podnet tour [--step] [--only N] [--seed S] [--pcap DIR] [-o text|json]</c>: a guided walk through
/// every path Kubernetes network traffic takes, on a real emulated cluster. Creates (or reuses) the
/// cluster <c>tour</c> with two workers (without changing the current cluster), applies
/// <c>examples/tour/</c>, then walks the eight paths (localhost, pod to pod on one node and across
/// nodes, ClusterIP, DNS, egress, from outside, NetworkPolicy), each with the commands a user would
/// type, their real output, traces and a closing line built from what they measured; it ends with a
/// table of outcomes. Exits 0 only if every path worked, so CI runs it as an end-to-end test.
/// </summary>
public static class TourCommand
{
    /// <summary>The tour's cluster name.</summary>
    public const string ClusterName = "tour";

    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var examples = new Option<string?>("--examples") { Description = "folder with the tour's manifests (default: examples/tour of this checkout)" };
        var step = new Option<bool>("--step") { Description = "Wait for Enter between steps" };
        var only = new Option<string?>("--only") { Description = "Run only path N (1-8; 0 is the setup); the cluster is still set up first" };
        var seed = new Option<int?>("--seed") { Description = "Seed of the emulation (the same seed replays the same tour)" };
        var pcap = new Option<string?>("--pcap") { Description = "Write each traced step's packets to DIR/step-N-....pcap (Wireshark, tshark)" };
        var output = new Option<string>("--output", "-o") { Description = "text or json", DefaultValueFactory = _ => "text" };
        var command = new Command("tour", "A guided walk through every path network traffic takes in a small cluster, with real outcomes from the emulation")
        {
            examples, step, only, seed, pcap, output,
        };
        command.SetAction(parse =>
        {
            int? onlyPath = null;
            if (parse.GetValue(only) is { } o)
            {
                if (!int.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 8)
                {
                    throw new KubectlException($"error: invalid --only \"{o}\": the tour has paths 1-8 (0 is the setup)");
                }

                onlyPath = n;
            }

            var format = parse.GetValue(output) ?? "text";
            if (format is not ("text" or "json"))
            {
                throw new KubectlException($"error: unsupported output format \"{format}\" (supported: text, json)");
            }

            return Run(context, new TourOptions
            {
                Examples = parse.GetValue(examples),
                Step = parse.GetValue(step),
                Only = onlyPath,
                Seed = parse.GetValue(seed),
                PcapDirectory = parse.GetValue(pcap),
                Output = format,
            });
        });
        return command;
    }

    /// <summary>Finds <c>examples/tour</c> from the working directory or the program's location.</summary>
    public static string? FindExamples()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "examples", "tour");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Runs the tour with default options (as <c>podnet tour</c>); returns 0 only if every path worked.</summary>
    public static int Run(CliContext context, string? examples) => Run(context, new TourOptions { Examples = examples });

    /// <summary>Runs the tour; returns 0 only if every path worked.</summary>
    public static int Run(CliContext context, TourOptions options)
    {
        var examples = options.Examples ?? FindExamples();
        if (examples is null || !Directory.Exists(examples))
        {
            throw new KubectlException("error: the tour's manifests were not found (examples/tour); run the tour from the Podnet checkout or pass --examples");
        }

        if (!Directory.Exists(Path.Combine(examples, "policies")))
        {
            throw new KubectlException($"error: {examples} has no policies/ folder (the NetworkPolicies of step 8)");
        }

        return TourScript.Run(context, options, examples);
    }
}
