using System.CommandLine;
using Podnet.Cli.Commands.Exec;
using Podnet.Cluster.Runtime;

namespace Podnet.Cli.Commands.Trace;

/// <summary>
/// <c>podnet trace SOURCE DESTINATION[:PORT] [--protocol tcp|udp|icmp] [-n NS] [-o text|json] [--pcap FILE]</c>:
/// sends one connection in the emulated cluster and explains its path hop by hop (the Linux equivalent is
/// running <c>nc</c>/<c>ping</c> with <c>iptables -j TRACE</c>, <c>tcpdump</c> on every interface and
/// <c>conntrack -E</c> at once). Exit code 0 when delivered, 1 otherwise (refused, dropped, NXDOMAIN).
/// </summary>
public static class TraceCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var source = new Argument<string>("SOURCE") { Description = "pod/NAME, node/NAME, outside, or an IP" };
        var destination = new Argument<string>("DESTINATION") { Description = "pod/NAME, svc/NAME, node/NAME, an IP, a DNS name, or ingress/HOST/PATH; :PORT optional" };
        var protocol = new Option<string>("--protocol") { Description = "tcp, udp or icmp", DefaultValueFactory = _ => "tcp" };
        var ns = CommonOptions.Namespace();
        var output = new Option<string>("--output", "-o") { Description = "text or json", DefaultValueFactory = _ => "text" };
        var pcap = new Option<string?>("--pcap") { Description = "Also write the flow's frames (every device it crossed) to this pcap file" };
        var recursive = CommonOptions.Recursive();
        var files = CommonOptions.Filename("Build a throwaway cluster from these manifests and trace in it.");
        var seed = ExecSupport.Seed();
        var timeout = new Option<double>("--timeout") { Description = "Seconds (virtual time) to wait for an answer", DefaultValueFactory = _ => 5.0 };
        var command = new Command("trace", "Send one connection and explain its path hop by hop: routes, ARP, bridge, the rules that matched, NAT, conntrack, policy")
        {
            source, destination, protocol, ns, output, pcap, files, recursive, seed, timeout,
        };
        command.SetAction(parse =>
        {
            var format = parse.GetValue(output) ?? "text";
            if (format is not ("text" or "json"))
            {
                throw new KubectlException($"error: unsupported output format \"{format}\" (supported: text, json)");
            }

            var t = parse.GetValue(timeout);
            if (t <= 0 || double.IsNaN(t))
            {
                throw new KubectlException("error: --timeout must be a positive number of seconds");
            }

            using var session = GetCommand.SessionFor(context, parse.GetValue<string?>("--cluster"), parse.GetValue(files) ?? [], parse.GetValue(recursive), parse.GetValue(ns));
            var runtime = ExecSupport.Runtime(context, session, parse.GetValue(seed));
            var tracer = new ConnectionTracer(runtime, parse.GetValue(ns) ?? "default") { Timeout = TimeSpan.FromSeconds(t) };
            var trace = tracer.Run(parse.GetValue(source)!, parse.GetValue(destination)!, parse.GetValue(protocol) ?? "tcp");
            return Print(context, trace, format, parse.GetValue(pcap), runtime);
        });
        return command;
    }

    /// <summary>Writes <paramref name="trace"/> in <paramref name="format"/> (and its pcap); returns 0 when it was delivered.</summary>
    public static int Print(CliContext context, ConnectionTrace trace, string format, string? pcapPath, ClusterRuntime? runtime = null)
    {
        foreach (var problem in runtime?.Problems ?? [])
        {
            context.Err.WriteLine("podnet: warning: " + problem);
        }

        context.Out.Write(format == "json" ? TraceJsonRenderer.Render(trace) : TraceTextRenderer.Render(trace, UseColour(context)));
        if (pcapPath is not null)
        {
            var n = TracePcap.Write(trace, pcapPath);
            context.Err.WriteLine($"wrote {n} frames to {pcapPath}");
        }

        return trace.Outcome == Podnet.Kernel.Tracing.TraceOutcome.Delivered ? 0 : 1;
    }

    /// <summary>Colour only on a real terminal, and never when NO_COLOR is set (no-color.org) or TERM=dumb.</summary>
    public static bool UseColour(CliContext context) =>
        context.Out is StreamWriter
        && !Console.IsOutputRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
        && Environment.GetEnvironmentVariable("TERM") != "dumb";
}
