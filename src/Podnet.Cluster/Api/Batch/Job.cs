using System.Text.Json;
using System.Text.Json.Serialization;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Batch;

/// <summary>Kubernetes <c>batch/v1 Job</c>: pods that run to completion.</summary>
public sealed record Job : KubeObject
{
    /// <summary>Creates an empty Job with apiVersion and kind set.</summary>
    public Job()
    {
        ApiVersion = "batch/v1";
        Kind = "Job";
    }

    /// <summary>Desired state.</summary>
    public JobSpec Spec { get; init; } = new();

    /// <summary>Observed state.</summary>
    public JobStatus? Status { get; init; }
}

/// <summary>Kubernetes <c>batch/v1 JobSpec</c>.</summary>
public sealed record JobSpec
{
    /// <summary><c>parallelism</c> (default 1).</summary>
    public int? Parallelism { get; init; }
    /// <summary><c>completions</c> (default 1).</summary>
    public int? Completions { get; init; }
    /// <summary><c>activeDeadlineSeconds</c>.</summary>
    public long? ActiveDeadlineSeconds { get; init; }
    /// <summary><c>backoffLimit</c> (default 6).</summary>
    public int? BackoffLimit { get; init; }
    /// <summary><c>selector</c> (generated from the job's uid unless manualSelector).</summary>
    public LabelSelector? Selector { get; init; }
    /// <summary><c>manualSelector</c>.</summary>
    public bool? ManualSelector { get; init; }
    /// <summary><c>template</c>.</summary>
    public PodTemplateSpec Template { get; init; } = new();
    /// <summary><c>ttlSecondsAfterFinished</c>.</summary>
    public int? TtlSecondsAfterFinished { get; init; }
    /// <summary><c>completionMode</c>: NonIndexed (default) or Indexed.</summary>
    public string? CompletionMode { get; init; }
    /// <summary><c>suspend</c>.</summary>
    public bool? Suspend { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>batch/v1 JobStatus</c>.</summary>
public sealed record JobStatus
{
    /// <summary><c>conditions</c> (Complete, Failed).</summary>
    public IReadOnlyList<Condition> Conditions { get; init; } = [];
    /// <summary><c>startTime</c>.</summary>
    public DateTimeOffset? StartTime { get; init; }
    /// <summary><c>completionTime</c>.</summary>
    public DateTimeOffset? CompletionTime { get; init; }
    /// <summary><c>active</c>.</summary>
    public int? Active { get; init; }
    /// <summary><c>succeeded</c>.</summary>
    public int? Succeeded { get; init; }
    /// <summary><c>failed</c>.</summary>
    public int? Failed { get; init; }
    /// <summary><c>ready</c>.</summary>
    public int? Ready { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}
