using Podnet.Kernel.Tracing;

namespace Podnet.Cluster.Runtime;

/// <summary>What one exec'd command printed, its exit code, and the flows it sent (traced with <c>--trace</c>).</summary>
public sealed record ExecResult(int ExitCode, string Stdout, string Stderr, IReadOnlyList<(string Label, FlowTrace Trace)> Traces);
