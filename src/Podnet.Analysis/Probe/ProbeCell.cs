namespace Podnet.Analysis.Probe;

/// <summary>One ordered pair of the probe: what was measured, what the analyzer predicted, and the socket result in words.</summary>
/// <param name="Source">the client pod, <c>ns/name</c></param>
/// <param name="Destination">the server pod, <c>ns/name</c></param>
/// <param name="Measured">what the connection showed in the emulated data plane</param>
/// <param name="Predicted">whether the analyzer (<c>podnet reach</c>) says policy allows it</param>
/// <param name="Detail">the socket call's result (e.g. <c>Connection timed out</c>)</param>
public sealed record ProbeCell(string Source, string Destination, ProbeVerdict Measured, bool Predicted, string Detail)
{
    /// <summary>A pod probing its own IP (loopback for the CNI: never crosses the node's FORWARD chain).</summary>
    public bool IsLoopback => Source == Destination;

    /// <summary>Measurement and prediction disagree.</summary>
    public bool Mismatch => Measured.IsAllowed() != Predicted || Measured == ProbeVerdict.Failed;
}
