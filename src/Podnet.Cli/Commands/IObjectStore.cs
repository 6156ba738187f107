using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Controllers;

namespace Podnet.Cli.Commands;

/// <summary>What the CLI needs from a cluster's persistent store: read objects, write a batch atomically.</summary>
public interface IObjectStore : IDisposable
{
    /// <summary>Every object of the cluster.</summary>
    IReadOnlyList<KubeObject> ListAll();

    /// <summary>Every object except those of <paramref name="skipKinds"/> (e.g. Events, which no data-plane component reads).</summary>
    IReadOnlyList<KubeObject> ListAllExcept(IReadOnlySet<string> skipKinds);

    /// <summary>The identity (key, involved object, reason, message) of every stored Event, without decoding them.</summary>
    IReadOnlyList<Podnet.Cluster.Api.Store.EventIdentity> ListEventIdentities();

    /// <summary>Stored Events whose JSON mentions <paramref name="text"/> as a string (a superset of the events about an object of that name).</summary>
    IReadOnlyList<Podnet.Cluster.Api.Core.Event> ListEventsMentioning(string text);

    /// <summary>Objects of one kind (all namespaces when <paramref name="ns"/> is null).</summary>
    IReadOnlyList<KubeObject> List(string kind, string? ns);

    /// <summary>
    /// Writes <paramref name="upserts"/> and removes <paramref name="deletes"/> in one transaction, validating
    /// against the settings of <paramref name="config"/> (its Service CIDR and node-port range).
    /// </summary>
    void Write(IReadOnlyList<KubeObject> upserts, IReadOnlyList<(string Kind, string Namespace, string Name)> deletes, ClusterConfig config);
}
