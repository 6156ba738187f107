using System.CommandLine;
using System.Globalization;
using System.Text;
using Podnet.Analysis.NetworkPolicies;
using Podnet.Analysis.Output;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.NetworkPolicies;

namespace Podnet.Cli.Commands.Reach;

/// <summary>
/// <c>podnet reach</c>: static NetworkPolicy connectivity from manifests — the workload list in
/// netpol-analyzer's formats (txt, csv, md, json, dot) or a Cyclonus truth table (<c>-o matrix</c>), with
/// <c>--explain</c>; or one question (<c>--from/--to</c>) answered with its reasons.
/// </summary>
public static class ReachCommand
{
    /// <summary>Builds the command. Output goes to <paramref name="stdout"/>/<paramref name="stderr"/> (the console by default).</summary>
    public static Command Create(TextWriter? stdout = null, TextWriter? stderr = null, Func<IReadOnlyList<Podnet.Cluster.Api.Meta.KubeObject>>? clusterObjects = null)
    {
        var files = new Option<string[]>("--filename", "-f") { Description = "Manifest file or folder (read recursively: .yaml, .yml, .json); repeatable; '-' for stdin", AllowMultipleArgumentsPerToken = false };
        var ns = new Option<string?>("--namespace", "-n") { Description = "Only show peers in this namespace (and the default namespace for pod/NAME)" };
        var output = new Option<string>("--output", "-o") { Description = "txt, csv, md, json, dot or matrix (Cyclonus truth table)", DefaultValueFactory = _ => "txt" };
        var port = new Option<int?>("--port") { Description = "Destination port (for -o matrix and --from/--to)" };
        var protocol = new Option<string>("--protocol") { Description = "TCP, UDP or SCTP", DefaultValueFactory = _ => "TCP" };
        var from = new Option<string?>("--from") { Description = "Source: pod/NS/NAME, NS/NAME or an IPv4 address" };
        var to = new Option<string?>("--to") { Description = "Destination: pod/NS/NAME, svc/NS/NAME or an IPv4 address" };
        var explain = new Option<bool>("--explain") { Description = "Explain every pair: which policy and rule allowed or denied it (txt only)" };
        var compat = new Option<string?>("--compat") { Description = "netpol-analyzer: reproduce np-guard/netpol-analyzer's conventions (ipBlocks never match pods, hostNetwork pods are ordinary pods)" };

        var cmd = new Command("reach", "Which workload can reach which, on which ports, and why (static NetworkPolicy analysis of manifests)");
        foreach (var o in new Option[] { files, ns, output, port, protocol, from, to, explain, compat })
        {
            cmd.Options.Add(o);
        }

        cmd.SetAction(parse =>
        {
            var o = stdout ?? Console.Out;
            var e = stderr ?? Console.Error;
            return Run(o, e, clusterObjects, new Request(
                parse.GetValue(files) ?? [], parse.GetValue(ns), parse.GetValue(output) ?? "txt", parse.GetValue(port), parse.GetValue(protocol) ?? "TCP",
                parse.GetValue(from), parse.GetValue(to), parse.GetValue(explain), parse.GetValue(compat)));
        });
        return cmd;
    }

    private sealed record Request(string[] Files, string? Namespace, string Output, int? Port, string Protocol, string? From, string? To, bool Explain, string? Compat);

    private static int Run(TextWriter stdout, TextWriter stderr, Func<IReadOnlyList<Podnet.Cluster.Api.Meta.KubeObject>>? clusterObjects, Request r)
    {
        AnalysisMode mode;
        switch (r.Compat)
        {
            case null or "" or "kubernetes":
                mode = AnalysisMode.Kubernetes;
                break;
            case "netpol-analyzer":
                mode = AnalysisMode.NetpolAnalyzer;
                break;
            default:
                stderr.WriteLine($"error: unknown --compat \"{r.Compat}\" (supported: netpol-analyzer)");
                return 1;
        }

        if (!PolicyProtocols.TryParse(r.Protocol, out var protocol))
        {
            stderr.WriteLine($"error: unsupported protocol \"{r.Protocol}\" (supported: TCP, UDP, SCTP)");
            return 1;
        }

        if (r.Port is { } p && (p < 1 || p > 65535))
        {
            stderr.WriteLine($"error: invalid port {p}: must be between 1 and 65535");
            return 1;
        }

        ReachAnalysis analysis;
        if (r.Files.Length == 0)
        {
            // No manifests: analyze the current cluster's objects (as kubectl reads the API server).
            if (clusterObjects is null)
            {
                stderr.WriteLine("error: must specify one of -f");
                return 1;
            }
            // A live cluster has the pods themselves: workload templates would count them twice.
            analysis = ReachAnalysis.FromObjects(
                clusterObjects().Where(o => o.Kind is not ("Deployment" or "ReplicaSet" or "StatefulSet" or "DaemonSet" or "Job")), mode);
        }
        else
        {
            var set = new ManifestSet();
            foreach (var f in r.Files)
            {
                set.AddRange(ManifestReader.ReadPath(f, recursive: true));
            }

            foreach (var err in set.Errors.Where(x => x.UnknownKind == null))
            {
                stderr.WriteLine(err.KubectlLine);
            }

            if (set.HasFatalErrors)
            {
                return 1;
            }

            analysis = ReachAnalysis.FromManifests(set, mode);
        }
        if (analysis.Errors.Count > 0)
        {
            foreach (var err in analysis.Errors)
            {
                stderr.WriteLine("error: " + err);
            }

            return 1;
        }

        if (r.From != null || r.To != null)
        {
            return Question(stdout, stderr, analysis, r, protocol);
        }

        if (r.Output == "matrix")
        {
            stdout.Write(Matrix(analysis, r.Namespace, r.Port, protocol));
            return 0;
        }

        if (!ConnlistFormatter.TryParse(r.Output, out var format))
        {
            stderr.WriteLine($"error: unsupported output format \"{r.Output}\" (supported: txt, csv, md, json, dot, matrix)");
            return 1;
        }

        if (r.Explain)
        {
            if (format != ConnlistFormat.Txt)
            {
                stderr.WriteLine("error: --explain is supported with txt output only");
                return 1;
            }

            var pairs = analysis.PeerPairs().Where(x => InNamespace(x.Source, r.Namespace) || InNamespace(x.Destination, r.Namespace));
            stdout.Write(ExplainFormatter.Format(analysis.Evaluator, pairs));
            return 0;
        }

        var conns = analysis.Connections().Where(c => InNamespace(c.Source, r.Namespace) || InNamespace(c.Destination, r.Namespace)).ToList();
        var workloads = analysis.Workloads.Where(w => r.Namespace == null || w.Namespace == r.Namespace);
        var text = ConnlistFormatter.Format(conns, format, workloads);
        stdout.Write(text);
        if (format is ConnlistFormat.Json or ConnlistFormat.Dot)
        {
            stdout.Write('\n');
        }

        return 0;
    }

    private static bool InNamespace(Endpoint e, string? ns) => ns == null || e.Pod?.Namespace == ns;

    private static int Question(TextWriter stdout, TextWriter stderr, ReachAnalysis analysis, Request r, PolicyProtocol protocol)
    {
        if (r.From == null || r.To == null)
        {
            stderr.WriteLine("error: --from and --to go together");
            return 1;
        }

        var defaultNs = r.Namespace ?? "default";
        var src = EndpointResolver.ResolveSource(analysis.Model, r.From, defaultNs, out var err);
        if (src == null)
        {
            stderr.WriteLine(err);
            return 1;
        }

        var targets = EndpointResolver.ResolveDestination(analysis.Model, r.To, defaultNs, r.Port, protocol, out err);
        if (targets == null)
        {
            stderr.WriteLine(err);
            return 1;
        }

        if (targets.Count == 0)
        {
            stdout.WriteLine($"{r.To} has no backend pods: nothing to connect to");
            return 0;
        }

        var sb = new StringBuilder();
        foreach (var t in targets)
        {
            var v = analysis.Evaluator.Evaluate(src, t.Endpoint);
            var via = t.Via != null ? $" (via {t.Via})" : "";
            var dst = t.Endpoint.Pod != null ? "pod/" + t.Endpoint.Pod.FullName : t.Endpoint.DisplayName;
            var srcName = src.Pod != null ? "pod/" + src.Pod.FullName : src.DisplayName;
            if (t.Port is { } port)
            {
                var ok = v.Allowed.Contains(t.Protocol, port);
                sb.Append(srcName).Append(" => ").Append(dst).Append(via).Append(" : ").Append(PolicyProtocols.Name(t.Protocol)).Append(' ')
                  .Append(port.ToString(CultureInfo.InvariantCulture)).Append(ok ? " ALLOWED" : " DENIED").Append('\n');
                AppendReasons(sb, v, t.Protocol, port);
            }
            else
            {
                sb.Append(srcName).Append(" => ").Append(dst).Append(via).Append(" : ").Append(v.Allowed.ToString()).Append('\n');
            }

            sb.Append('\n').Append(ExplainFormatter.FormatPair(v, src.IsIngressController ? analysis.Model.IngressTargets : null));
        }

        stdout.Write(sb.ToString());
        return 0;
    }

    private static void AppendReasons(StringBuilder sb, PairVerdict v, PolicyProtocol proto, int port)
    {
        foreach (var d in new[] { v.Egress, v.Ingress })
        {
            var side = d.Direction == PolicyDirection.Egress ? "egress of " + v.Source.DisplayName : "ingress of " + v.Destination.DisplayName;
            if (!d.Isolated)
            {
                sb.Append("  ").Append(side).Append(": not isolated (no NetworkPolicy selects it for ").Append(d.Direction).Append(')')
                  .Append(d.SpecialReason != null ? "; " + d.SpecialReason : "").Append(": allowed\n");
                continue;
            }

            var allowing = d.Policies.SelectMany(pv => pv.Rules.Where(rv => rv.PeerMatched && rv.Ports.Contains(proto, port)).Select(rv => $"NetworkPolicy {pv.Policy.FullName} {d.Direction.ToString().ToLowerInvariant()} rule #{rv.Index}")).ToList();
            sb.Append("  ").Append(side).Append(": selected by ").Append(string.Join(", ", d.Policies.Select(pv => pv.Policy.FullName))).Append(": ");
            sb.Append(allowing.Count > 0 ? "allowed by " + string.Join(", ", allowing) : "no rule allows it (denied)").Append('\n');
        }
    }

    private static string Matrix(ReachAnalysis analysis, string? ns, int? port, PolicyProtocol protocol)
    {
        var pods = analysis.Model.Pods.Where(p => ns == null || p.Namespace == ns).OrderBy(p => p.FullName, StringComparer.Ordinal).ToList();
        var names = pods.Select(p => p.FullName).ToList();
        var m = analysis.Matrix;
        var corner = port is { } pp ? $"{PolicyProtocols.Name(protocol)}/{pp}" : "any";
        return TruthTableFormatter.Format(names, (i, j) =>
        {
            var conn = m.Get(pods[i], pods[j]);
            var ok = port is { } p ? conn.Contains(protocol, p) : !conn.IsEmpty;
            return ok ? TruthTableFormatter.Allowed : TruthTableFormatter.Blocked;
        }, corner);
    }
}
