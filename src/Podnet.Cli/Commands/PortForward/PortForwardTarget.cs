using Podnet.Cluster.Api.Core;

namespace Podnet.Cli.Commands.PortForward;

/// <summary>
/// What <c>kubectl port-forward</c> resolved its argument to: one pod, and per requested port the
/// local port and the pod's port (a Service port translated to its targetPort, as kubectl does).
/// </summary>
public sealed record PortForwardTarget(Pod Pod, IReadOnlyList<PortMapping> Ports);

/// <summary>One <c>[LOCAL:]REMOTE</c> pair; Local 0 = pick a free port.</summary>
public sealed record PortMapping(int Local, int Remote, string Spec);
