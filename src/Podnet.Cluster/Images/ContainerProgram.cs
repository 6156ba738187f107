namespace Podnet.Cluster.Images;

/// <summary>
/// The program an image runs (the container's PID 1). <see cref="RunAsync"/> runs on the cluster's
/// event loop; a server returns only when it exits. The value is the exit code.
/// </summary>
public abstract class ContainerProgram
{
    /// <summary>The process name <c>ss -p</c> and <c>ps</c> show.</summary>
    public abstract string ProcessName { get; }

    /// <summary>Runs the program in <paramref name="context"/>; returns its exit code.</summary>
    public abstract Task<int> RunAsync(ProcessContext context);
}
