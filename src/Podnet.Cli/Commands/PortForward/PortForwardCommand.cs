using System.CommandLine;
using System.Net;
using Podnet.Cli.Commands.Exec;

namespace Podnet.Cli.Commands.PortForward;

/// <summary>
/// <c>podnet port-forward (pod|svc)/NAME [LOCAL:]REMOTE... [-n NS] [--address 127.0.0.1]</c>:
/// <c>kubectl port-forward</c> from the real machine into the emulated cluster (see <see cref="PortForwarder"/>).
/// Runs until interrupted (Ctrl-C).
/// </summary>
public static class PortForwardCommand
{
    /// <summary>Builds the command; <paramref name="stop"/> replaces Ctrl-C as the end signal (tests).</summary>
    public static Command Create(CliContext context, CancellationToken? stop = null)
    {
        var target = new Argument<string>("TYPE/NAME") { Description = "pod/NAME, NAME (a pod) or svc/NAME" };
        var ports = new Argument<string[]>("[LOCAL_PORT:]REMOTE_PORT") { Arity = ArgumentArity.ZeroOrMore, Description = "ports to forward" };
        var ns = CommonOptions.Namespace();
        var files = CommonOptions.Filename("Build a throwaway cluster from these manifests and forward into it.");
        var address = new Option<string[]>("--address") { Description = "Addresses to listen on (comma separated). Only accepts IP addresses or localhost as a value.", DefaultValueFactory = _ => ["127.0.0.1"] };
        var seed = ExecSupport.Seed();
        var command = new Command("port-forward", "Forward one or more local ports to a pod") { target, ports, ns, files, address, seed };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(target)!;
            var specs = parse.GetValue(ports) ?? [];
            var addresses = (parse.GetValue(address) ?? ["127.0.0.1"]).SelectMany(a => a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            if (addresses.Count != 1) throw new KubectlException("error: podnet port-forward listens on exactly one address");
            var bind = addresses[0] == "localhost" ? IPAddress.Loopback
                : IPAddress.TryParse(addresses[0], out var ip) ? ip
                : throw new KubectlException($"error: {addresses[0]} is not a valid IP");
            using var session = GetCommand.SessionFor(context, parse.GetValue<string?>("--cluster"), parse.GetValue(files) ?? [], false, parse.GetValue(ns));
            var resolved = PortForwardResolver.Resolve(session.Objects.All.ToList(), parse.GetValue(ns) ?? "default", name, specs);
            var runtime = ExecSupport.Runtime(context, session, parse.GetValue(seed));
            BatchHeap.Leave(); // it serves until stopped: the collector runs as usual from here
            using var done = new ManualResetEventSlim(false);
            using var signals = stop is null ? StopOnSignals(done) : null;
            using var forwarder = new PortForwarder(runtime, resolved, bind, context.Out, context.Err);
            forwarder.Start();
            if (stop is { } token) token.WaitHandle.WaitOne();
            else done.Wait();
            return 0;
        });
        return command;
    }

    /// <summary>Ctrl-C (SIGINT) and SIGTERM end the forwarding (registered before listening, so an early signal is not lost).</summary>
    private static IDisposable StopOnSignals(ManualResetEventSlim done)
    {
        Action<System.Runtime.InteropServices.PosixSignalContext> onSignal = c =>
        {
            c.Cancel = true;
            done.Set();
        };
        return new Registrations(
            System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, onSignal),
            System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, onSignal));
    }

    private sealed class Registrations(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var i in items) i.Dispose();
        }
    }
}
