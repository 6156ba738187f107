using System.Globalization;
using System.Text;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Images;
using Podnet.Cluster.Images.Http;
using Podnet.Cluster.Images.Tools;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Wire;

namespace Podnet.Cluster.Kubelet;

/// <summary>The result of one probe: success, or failure with the kubelet's message for the <c>Unhealthy</c> event.</summary>
public readonly record struct ProbeResult(bool Success, string Message);

/// <summary>
/// The kubelet's prober (<c>pkg/kubelet/prober</c>): runs one container probe from the node's
/// network namespace as the real kubelet does — <c>tcpSocket</c> connects to the pod IP,
/// <c>httpGet</c> sends a GET with <c>User-Agent: kube-probe/1.33</c> and counts 200–399 as
/// success, <c>exec</c> runs the command in the container and counts exit code 0 — each bounded by
/// <c>timeoutSeconds</c> of virtual time, with the failure texts kubelet puts in its events.
/// </summary>
public static class Prober
{
    /// <summary>The kubelet's minor version in the User-Agent (kube-probe/MAJOR.MINOR).</summary>
    public const string UserAgent = "kube-probe/1.33";

    /// <summary>Runs <paramref name="probe"/> of <paramref name="container"/> against the pod in <paramref name="sandbox"/>.</summary>
    public static async Task<ProbeResult> RunAsync(Probe probe, ContainerInstance container, PodSandbox sandbox, NetNamespace node)
    {
        var timeout = TimeSpan.FromSeconds(Math.Max(1, probe.TimeoutSeconds ?? 1));
        if (probe.Exec is { } exec) return await ExecAsync(exec, container, timeout);
        if (probe.HttpGet is { } http) return await HttpAsync(http, container.Spec, sandbox, node, timeout);
        if (probe.TcpSocket is { } tcp) return await TcpAsync(tcp, container.Spec, sandbox, node, timeout);
        if (probe.Grpc is { } grpc)
        {
            return new ProbeResult(false, $"failed to connect service \"{sandbox.Ip}:{grpc.Port.ToString(CultureInfo.InvariantCulture)}\" within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s: gRPC health checking is not emulated by Podnet");
        }
        return new ProbeResult(false, "probe has no handler (exec, httpGet, tcpSocket or grpc)");
    }

    /// <summary>The port a probe names: a number, or a container port name looked up in the container's ports.</summary>
    public static int? ResolvePort(IntOrString port, Container container)
    {
        if (port.IsInt) return port.IntValue;
        var named = container.Ports.FirstOrDefault(p => p.Name == port.StringValue);
        if (named is not null) return named.ContainerPortNumber;
        return int.TryParse(port.StringValue, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private static async Task<ProbeResult> TcpAsync(TcpSocketAction action, Container container, PodSandbox sandbox, NetNamespace node, TimeSpan timeout)
    {
        var host = string.IsNullOrEmpty(action.Host) ? sandbox.Ip : action.Host;
        var port = ResolvePort(action.Port, container);
        if (port is null) return new ProbeResult(false, $"unable to find port \"{action.Port.StringValue}\" in container {container.Name}");
        var target = host + ":" + port.Value.ToString(CultureInfo.InvariantCulture);
        if (!Ipv4Address.TryParse(host, out var addr)) return new ProbeResult(false, $"dial tcp: lookup {host}: no such host");
        var sock = node.Tcp.Open();
        var err = await sock.ConnectAsync(addr, (ushort)port.Value, new TcpConnectOptions { Timeout = timeout });
        if (err != Errno.None)
        {
            sock.Abort();
            return new ProbeResult(false, err == Errno.ETIMEDOUT ? $"dial tcp {target}: i/o timeout" : $"dial tcp {target}: connect: {err.Message().ToLowerInvariant()}");
        }
        sock.Close();
        return new ProbeResult(true, "");
    }

    private static async Task<ProbeResult> HttpAsync(HttpGetAction action, Container container, PodSandbox sandbox, NetNamespace node, TimeSpan timeout)
    {
        var host = string.IsNullOrEmpty(action.Host) ? sandbox.Ip : action.Host;
        var port = ResolvePort(action.Port, container);
        if (port is null) return new ProbeResult(false, $"unable to find port \"{action.Port.StringValue}\" in container {container.Name}");
        var scheme = (action.Scheme ?? "HTTP").ToLowerInvariant();
        var path = string.IsNullOrEmpty(action.Path) ? "/" : action.Path.StartsWith('/') ? action.Path : "/" + action.Path;
        var target = host + ":" + port.Value.ToString(CultureInfo.InvariantCulture);
        var url = $"{scheme}://{target}{path}";
        if (scheme == "https") return new ProbeResult(false, $"Get \"{url}\": HTTPS probes are not emulated by Podnet");
        if (!Ipv4Address.TryParse(host, out var addr)) return new ProbeResult(false, $"Get \"{url}\": dial tcp: lookup {host}: no such host");
        var sock = node.Tcp.Open();
        var err = await sock.ConnectAsync(addr, (ushort)port.Value, new TcpConnectOptions { Timeout = timeout });
        if (err != Errno.None)
        {
            sock.Abort();
            return new ProbeResult(false, err == Errno.ETIMEDOUT
                ? $"Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
                : $"Get \"{url}\": dial tcp {target}: connect: {err.Message().ToLowerInvariant()}");
        }
        var headers = new List<(string Name, string Value)> { ("Host", target), ("User-Agent", UserAgent), ("Accept", "*/*"), ("Connection", "close") };
        foreach (var h in action.HttpHeaders)
        {
            headers.RemoveAll(x => string.Equals(x.Name, h.Name, StringComparison.OrdinalIgnoreCase));
            headers.Add((h.Name, h.Value));
        }
        sock.Send(Encoding.Latin1.GetBytes(HttpWire.FormatRequestHead("GET", path, headers)));
        var message = await HttpWire.ReadMessageAsync(sock, timeout, bodyUntilClose: true);
        if (message is null) sock.Abort();
        else sock.Close(); // Go's client without keep-alive closes with a FIN
        if (message is null)
        {
            return new ProbeResult(false, sock.Error == Errno.ECONNRESET
                ? $"Get \"{url}\": read tcp {Ipv4Address.Format(sock.LocalEndpoint.Address)}:{sock.LocalEndpoint.Port.ToString(CultureInfo.InvariantCulture)}->{target}: read: connection reset by peer"
                : $"Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
        }
        var response = HttpWire.ParseResponse(message.Value.Head, message.Value.Body);
        if (response is null) return new ProbeResult(false, $"Get \"{url}\": net/http: HTTP/1.x transport connection broken: malformed HTTP response");
        return response.Status is >= 200 and < 400
            ? new ProbeResult(true, "")
            : new ProbeResult(false, "HTTP probe failed with statuscode: " + response.Status.ToString(CultureInfo.InvariantCulture));
    }

    private static async Task<ProbeResult> ExecAsync(ExecAction action, ContainerInstance container, TimeSpan timeout)
    {
        if (action.Command.Count == 0) return new ProbeResult(false, "exec: no command given");
        var argv = action.Command; // `sh -c "..."` is the tool runner's, as in a container
        var ctx = new ToolContext(container.Context, ImageCatalog.Libc(container.Spec.Image ?? ""), trace: false);
        // The first of the command and the timeout, without Task.WhenAny (its continuation would leave the loop's thread).
        var first = new TaskCompletionSource<int?>();
        _ = RunCommand(ctx, argv, first);
        _ = TimeOut(container.Context.Loop, timeout, first);
        var exit = await first.Task;
        if (exit is null) return new ProbeResult(false, $"command \"{string.Join(" ", action.Command)}\" timed out");
        var output = ctx.Out.ToString() + ctx.Err.ToString();
        return exit == 0 ? new ProbeResult(true, output) : new ProbeResult(false, output.TrimEnd('\n'));
    }

    private static async Task RunCommand(ToolContext ctx, IReadOnlyList<string> argv, TaskCompletionSource<int?> first) =>
        first.TrySetResult(await ToolRunner.RunAsync(ctx, argv));

    private static async Task TimeOut(Podnet.Kernel.Simulation.EventLoop loop, TimeSpan after, TaskCompletionSource<int?> first)
    {
        await loop.Delay(after);
        first.TrySetResult(null);
    }
}
