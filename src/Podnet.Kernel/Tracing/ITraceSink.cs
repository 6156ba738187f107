namespace Podnet.Kernel.Tracing;

/// <summary>Receives the steps of one traced flow. Null where tracing is off, so untraced packets cost nothing.</summary>
public interface ITraceSink
{
    void Add(TraceStep step);
}
