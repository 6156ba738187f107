using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Store;

/// <summary>
/// A store error carrying the API server's status message (Go: <c>apierrors.StatusError</c>).
/// <see cref="Exception.Message"/> is the status message, <see cref="Reason"/> the status reason
/// kubectl puts in <c>Error from server (Reason): ...</c>.
/// </summary>
public class StoreException : Exception
{
    /// <summary>Creates the error.</summary>
    public StoreException(string reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Status reason: Conflict, AlreadyExists, NotFound, Invalid.</summary>
    public string Reason { get; }

    /// <summary>kubectl's line: <c>Error from server (Reason): message</c>.</summary>
    public string KubectlLine => $"Error from server ({Reason}): {Message}";

    /// <summary>kubectl's line for an error while processing a file (<c>error when creating "f.yaml": ...</c>).</summary>
    public string KubectlLineFor(string verb, string source) => $"Error from server ({Reason}): error when {verb} \"{source}\": {Message}";

    /// <summary><c>plural[.group] "name"</c> as status messages name objects.</summary>
    public static string Qualified(ResourceType rt, string name) => $"{rt.QualifiedPlural} \"{name}\"";
}

/// <summary>Optimistic concurrency failure: the object's resourceVersion is stale (HTTP 409 Conflict).</summary>
public sealed class ConflictException(ResourceType type, string name)
    : StoreException("Conflict", $"Operation cannot be fulfilled on {Qualified(type, name)}: the object has been modified; please apply your changes to the latest version and try again");

/// <summary>Create of an object that exists (HTTP 409 AlreadyExists).</summary>
public sealed class AlreadyExistsException(ResourceType type, string name)
    : StoreException("AlreadyExists", $"{Qualified(type, name)} already exists");

/// <summary>Get, update or delete of a missing object (HTTP 404 NotFound).</summary>
public sealed class NotFoundException(ResourceType type, string name)
    : StoreException("NotFound", $"{Qualified(type, name)} not found");
