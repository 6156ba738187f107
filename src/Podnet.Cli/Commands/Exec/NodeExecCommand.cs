using System.CommandLine;

namespace Podnet.Cli.Commands.Exec;

/// <summary>
/// <c>podnet node exec NODE [--trace] -- COMMAND...</c>: a command in the node's network namespace
/// (as <c>docker exec</c> into a kind node): <c>iptables-save</c>, <c>nft list ruleset</c>, <c>ip route</c>,
/// <c>bridge fdb</c>, <c>conntrack -L</c>, <c>ipvsadm -Ln</c>, <c>curl</c>, ...
/// </summary>
public static class NodeExecCommand
{
    /// <summary>Builds <c>node</c> with its <c>exec</c> subcommand.</summary>
    public static Command Create(CliContext context)
    {
        var nodeArg = new Argument<string>("NODE") { Description = "node name" };
        var cmd = ExecSupport.CommandArgument();
        var files = CommonOptions.Filename("Build a throwaway cluster from these manifests and exec in it.");
        var trace = ExecSupport.Trace();
        var seed = ExecSupport.Seed();
        var exec = new Command("exec", "Execute a command on a node (in its network namespace)") { nodeArg, cmd, files, trace, seed };
        exec.SetAction(parse =>
        {
            var argv = parse.GetValue(cmd) ?? [];
            if (argv.Length == 0) throw new KubectlException("error: you must specify at least one command for the node");
            using var session = GetCommand.SessionFor(context, parse.GetValue<string?>("--cluster"), parse.GetValue(files) ?? [], false, null);
            // While tcpdump listens, the node's kubelet probes its pods in the background, as on a live node.
            var runtime = ExecSupport.Runtime(context, session, parse.GetValue(seed), runProbes: argv[0] == "tcpdump");
            var r = runtime.ExecOnNode(parse.GetValue(nodeArg)!, argv, parse.GetValue(trace), out var error)
                ?? throw new KubectlException(error ?? "error: exec failed");
            ContainerLogFiles.Persist(context, session, runtime);
            return ExecSupport.Print(context, r, parse.GetValue(trace), runtime.Problems);
        });
        return new Command("node", "Work with the emulated nodes") { exec };
    }
}
