namespace Podnet.Cluster.Images.Programs;

/// <summary>
/// A container whose process serves nothing on the pod network: a shell image running <c>sleep</c>
/// (busybox, alpine, curlimages/curl, nicolaka/netshoot), or a node agent whose work Podnet's node
/// components do directly (kube-proxy, flannel, kindnet). It runs until the pod is deleted.
/// </summary>
public sealed class IdleProgram(string processName, string? logLine = null) : ContainerProgram
{
    /// <inheritdoc/>
    public override string ProcessName => processName;

    /// <inheritdoc/>
    public override async Task<int> RunAsync(ProcessContext context)
    {
        if (logLine is not null) context.Log.Line(logLine);
        await new TaskCompletionSource().Task;
        return 0;
    }
}
