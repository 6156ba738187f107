using System.Text.Json;
using System.Text.Json.Serialization;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Core;

/// <summary>Kubernetes <c>v1 PodStatus</c>.</summary>
public sealed record PodStatus
{
    /// <summary><c>phase</c>: Pending, Running, Succeeded, Failed, Unknown.</summary>
    public string? Phase { get; init; }
    /// <summary><c>conditions</c>: PodScheduled, Initialized, ContainersReady, Ready, ...</summary>
    public IReadOnlyList<Condition> Conditions { get; init; } = [];
    /// <summary><c>message</c>.</summary>
    public string? Message { get; init; }
    /// <summary><c>reason</c>.</summary>
    public string? Reason { get; init; }
    /// <summary><c>nominatedNodeName</c>.</summary>
    public string? NominatedNodeName { get; init; }
    /// <summary><c>hostIP</c>: the node's IP.</summary>
    public string? HostIP { get; init; }
    /// <summary><c>hostIPs</c>.</summary>
    public IReadOnlyList<PodIP> HostIPs { get; init; } = [];
    /// <summary><c>podIP</c>: the pod's eth0 address.</summary>
    public string? PodIP { get; init; }
    /// <summary><c>podIPs</c>.</summary>
    public IReadOnlyList<PodIP> PodIPs { get; init; } = [];
    /// <summary><c>startTime</c>.</summary>
    public DateTimeOffset? StartTime { get; init; }
    /// <summary><c>initContainerStatuses</c>.</summary>
    public IReadOnlyList<ContainerStatus> InitContainerStatuses { get; init; } = [];
    /// <summary><c>containerStatuses</c>.</summary>
    public IReadOnlyList<ContainerStatus> ContainerStatuses { get; init; } = [];
    /// <summary><c>qosClass</c>.</summary>
    public string? QosClass { get; init; }
    /// <summary>Unmodelled fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 PodIP</c> / <c>HostIP</c>: <c>{ip: ...}</c>.</summary>
public sealed record PodIP
{
    /// <summary><c>ip</c>.</summary>
    public string Ip { get; init; } = "";
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 ContainerStatus</c>.</summary>
public sealed record ContainerStatus
{
    /// <summary><c>name</c>.</summary>
    public string Name { get; init; } = "";
    /// <summary><c>state</c>.</summary>
    public ContainerState? State { get; init; }
    /// <summary><c>lastState</c>.</summary>
    public ContainerState? LastState { get; init; }
    /// <summary><c>ready</c>.</summary>
    public bool Ready { get; init; }
    /// <summary><c>restartCount</c>.</summary>
    public int RestartCount { get; init; }
    /// <summary><c>image</c>.</summary>
    public string? Image { get; init; }
    /// <summary><c>imageID</c>.</summary>
    public string? ImageID { get; init; }
    /// <summary><c>containerID</c>.</summary>
    public string? ContainerID { get; init; }
    /// <summary><c>started</c>.</summary>
    public bool? Started { get; init; }
    /// <summary>Unmodelled fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 ContainerState</c>: exactly one of waiting, running, terminated.</summary>
public sealed record ContainerState
{
    /// <summary><c>waiting</c>.</summary>
    public ContainerStateWaiting? Waiting { get; init; }
    /// <summary><c>running</c>.</summary>
    public ContainerStateRunning? Running { get; init; }
    /// <summary><c>terminated</c>.</summary>
    public ContainerStateTerminated? Terminated { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 ContainerStateWaiting</c>.</summary>
public sealed record ContainerStateWaiting
{
    /// <summary><c>reason</c>, e.g. ContainerCreating, CrashLoopBackOff.</summary>
    public string? Reason { get; init; }
    /// <summary><c>message</c>.</summary>
    public string? Message { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 ContainerStateRunning</c>.</summary>
public sealed record ContainerStateRunning
{
    /// <summary><c>startedAt</c>.</summary>
    public DateTimeOffset? StartedAt { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 ContainerStateTerminated</c>.</summary>
public sealed record ContainerStateTerminated
{
    /// <summary><c>exitCode</c>.</summary>
    public int ExitCode { get; init; }
    /// <summary><c>signal</c>.</summary>
    public int? Signal { get; init; }
    /// <summary><c>reason</c>, e.g. Error, Completed.</summary>
    public string? Reason { get; init; }
    /// <summary><c>message</c>.</summary>
    public string? Message { get; init; }
    /// <summary><c>startedAt</c>.</summary>
    public DateTimeOffset? StartedAt { get; init; }
    /// <summary><c>finishedAt</c>.</summary>
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary><c>containerID</c>.</summary>
    public string? ContainerID { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}
