using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Store;

/// <summary>What an apply did to one object (the word kubectl prints after <c>kind/name</c>).</summary>
public enum ApplyAction
{
    /// <summary><c>created</c>.</summary>
    Created,
    /// <summary><c>configured</c>.</summary>
    Configured,
    /// <summary><c>unchanged</c>.</summary>
    Unchanged,
    /// <summary>Not applied; see <see cref="ApplyResult.Error"/>.</summary>
    Failed,
}

/// <summary>
/// The outcome of applying one object: the stored object (or null), the action, and for failures the
/// message in kubectl's words (<see cref="Error"/>, without a trailing newline) and its kind of failure.
/// </summary>
/// <param name="Input">The object as given.</param>
/// <param name="Stored">The object as stored (defaulted, with uid and resourceVersion), null on failure.</param>
/// <param name="Action">What happened.</param>
/// <param name="Error">For failures: the full kubectl text (<c>The Service "web" is invalid: ...</c> or <c>Error from server (...): ...</c>).</param>
/// <param name="Source">Where the object was read from, when known.</param>
public sealed record ApplyResult(KubeObject Input, KubeObject? Stored, ApplyAction Action, string? Error = null, string? Source = null)
{
    /// <summary>True unless the object failed.</summary>
    public bool Succeeded => Action != ApplyAction.Failed;

    /// <summary>The structured cause of a failure, when there is one.</summary>
    public Exception? Exception { get; init; }

    /// <summary>kubectl's success line, e.g. <c>service/web created</c>, <c>deployment.apps/web unchanged</c>.</summary>
    public string KubectlLine
    {
        get
        {
            var rt = KindRegistry.For(Input);
            var prefix = rt?.QualifiedSingular ?? Input.Kind.ToLowerInvariant();
            return Action switch
            {
                ApplyAction.Created => $"{prefix}/{Input.Name} created",
                ApplyAction.Configured => $"{prefix}/{Input.Name} configured",
                ApplyAction.Unchanged => $"{prefix}/{Input.Name} unchanged",
                _ => Error ?? "",
            };
        }
    }
}

/// <summary>Options of a batch apply.</summary>
public sealed record ApplyOptions
{
    /// <summary>Namespace for namespaced objects that name none (kubectl's <c>-n</c> or the context's namespace).</summary>
    public string DefaultNamespace { get; init; } = "default";

    /// <summary>Create only: an existing object is an AlreadyExists error (<c>kubectl create</c>).</summary>
    public bool CreateOnly { get; init; }

    /// <summary>Record <c>kubectl.kubernetes.io/last-applied-configuration</c> as client-side apply does.</summary>
    public bool RecordLastApplied { get; init; } = true;

    /// <summary>Reject namespaced objects whose namespace does not exist (in the store or earlier in the batch), as the API server does.</summary>
    public bool RequireNamespaces { get; init; } = true;

    /// <summary>Cluster settings for validation (service CIDR, node-port range).</summary>
    public Validation.ValidationContext Validation { get; init; } = Podnet.Cluster.Api.Validation.ValidationContext.Default;

    /// <summary>Test hook: called inside the write transaction after each object is written (index in the batch).</summary>
    public Action<int>? AfterWrite { get; init; }
}
