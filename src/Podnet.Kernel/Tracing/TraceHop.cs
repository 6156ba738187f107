namespace Podnet.Kernel.Tracing;

/// <summary>One hop of a trace: the steps taken in one namespace on one device, in order.</summary>
public sealed record TraceHop(string Namespace, string? Device, IReadOnlyList<TraceStep> Steps);
