using System.CommandLine;
using System.Globalization;
using Podnet.Analysis.Probe;
using Podnet.Cluster.NetworkPolicies;

namespace Podnet.Cli.Commands.Probe;

/// <summary>
/// <c>podnet probe [-n NS] [--port P] [--protocol tcp|udp|sctp] [-f PATH]</c>: Cyclonus's probe in the
/// emulated data plane. Every pod connects to every pod's IP on the port; the measured truth table is
/// printed beside the analyzer's prediction (<c>podnet reach -o matrix</c>), disagreements are listed,
/// and the exit code is 1 when there are any.
/// </summary>
public static class ProbeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var ns = CommonOptions.Namespace();
        ns.Description = "Probe only the pods of this namespace (default: every namespace but kube-system)";
        var port = new Option<int>("--port") { Description = "Destination port", DefaultValueFactory = _ => 80 };
        var protocol = new Option<string>("--protocol") { Description = "tcp, udp or sctp", DefaultValueFactory = _ => "tcp" };
        var recursive = CommonOptions.Recursive();
        var files = CommonOptions.Filename("Build a throwaway cluster from these manifests and probe it.");
        var timeout = new Option<double>("--timeout") { Description = "Seconds (virtual time) a probe waits before counting the connection as dropped", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<int?>("--seed") { Description = "Seed of the emulation's random source" };
        var command = new Command("probe", "Measure which pod can connect to which (real connections in the emulated data plane) and compare with the NetworkPolicy analyzer")
        {
            ns, port, protocol, files, recursive, timeout, seed,
        };
        command.SetAction(parse =>
        {
            var p = parse.GetValue(port);
            if (p is < 1 or > 65535)
            {
                throw new KubectlException($"error: invalid port {p.ToString(CultureInfo.InvariantCulture)}: must be between 1 and 65535");
            }

            if (!PolicyProtocols.TryParse(parse.GetValue(protocol), out var proto))
            {
                throw new KubectlException($"error: unsupported protocol \"{parse.GetValue(protocol)}\" (supported: tcp, udp, sctp)");
            }

            var t = parse.GetValue(timeout);
            if (t <= 0 || double.IsNaN(t))
            {
                throw new KubectlException("error: --timeout must be a positive number of seconds");
            }

            using var session = GetCommand.SessionFor(context, parse.GetValue<string?>("--cluster"), parse.GetValue(files) ?? [], parse.GetValue(recursive), parse.GetValue(ns));
            var options = new ProbeOptions
            {
                Port = p,
                Protocol = proto,
                Namespace = parse.GetValue(ns),
                Timeout = TimeSpan.FromSeconds(t),
                Seed = parse.GetValue(seed) ?? 1,
                Epoch = context.Clock(),
            };
            ProbeResult result;
            try
            {
                result = ConnectivityProbe.Run(session.Objects.All.ToList(), session.Config, options);
            }
            catch (NotSupportedException e)
            {
                throw new KubectlException("error: " + e.Message);
            }

            return Print(context.Out, context.Err, result);
        });
        return command;
    }

    /// <summary>Prints a probe the way <c>podnet probe</c> does; returns 0 when measurement and prediction agree.</summary>
    public static int Print(TextWriter stdout, TextWriter stderr, ProbeResult result)
    {
        foreach (var problem in result.Problems)
        {
            stderr.WriteLine("podnet: warning: " + problem);
        }

        var n = result.Pods.Count;
        if (n == 0)
        {
            stderr.WriteLine(result.Options.Namespace is { } ns ? $"No pods to probe in {ns} namespace." : "No pods to probe.");
            return 0;
        }

        var secs = result.Options.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        stdout.WriteLine($"Probing {result.Corner} from each of {N(n)} pods to every pod's IP in the emulated data plane ({secs} s timeout).");
        stdout.WriteLine();
        stdout.WriteLine("Measured (real connections; . allowed, X dropped, ! failed):");
        stdout.Write(result.MeasuredTable());
        stdout.WriteLine();
        stdout.WriteLine("Predicted (the NetworkPolicy analyzer, as `podnet reach -o matrix`):");
        stdout.Write(result.PredictedTable());

        var refused = result.Cells.Where(c => c.Measured == ProbeVerdict.Refused).Select(c => c.Destination).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (refused.Count > 0)
        {
            stdout.WriteLine();
            stdout.WriteLine($"Nothing listens on {result.Corner} in {string.Join(", ", refused)}: connections there were refused ({(result.Options.Protocol == PolicyProtocol.Udp ? "ICMP port unreachable" : "TCP RST")}), which means they got past every NetworkPolicy, so they count as allowed.");
        }

        var loop = result.LoopbackDisagreements;
        if (loop.Count > 0)
        {
            stdout.WriteLine();
            stdout.WriteLine($"Not compared: {string.Join(", ", loop.Select(c => c.Source))} reached {(loop.Count == 1 ? "itself" : "themselves")} although policy denies it; traffic to a pod's own IP never leaves the pod, so no CNI filters it (Cyclonus --ignore-loopback).");
        }

        var mismatches = result.Mismatches;
        stdout.WriteLine();
        var compared = result.Cells.Count(c => !c.IsLoopback);
        if (mismatches.Count == 0)
        {
            stdout.WriteLine($"Measured and predicted agree on all {N(compared)} pairs.");
            return 0;
        }

        stdout.WriteLine($"Measured and predicted differ on {N(mismatches.Count)} of {N(compared)} pairs:");
        foreach (var c in mismatches)
        {
            stdout.WriteLine($"  {c.Source} -> {c.Destination}: measured {c.Measured.Mark()} ({c.Detail}), predicted {(c.Predicted ? "." : "X")}");
        }

        return 1;
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}
