using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podnet.Cluster;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Defaulting;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Validation;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.Controllers;

namespace Podnet.Cli.Commands;

/// <summary><c>kubectl apply</c> or <c>kubectl create</c>.</summary>
public enum ApplyMode
{
    /// <summary>Create or update, recording <c>last-applied-configuration</c>.</summary>
    Apply,

    /// <summary>Create only; an existing object is an AlreadyExists error.</summary>
    Create,
}

/// <summary>
/// Applies manifests to a cluster the way kubectl and the apiserver do together: namespace
/// resolution, the apiserver's metadata (uid, creationTimestamp, the namespace name label),
/// Service IP and node port admission, the <c>last-applied-configuration</c> annotation that
/// decides <c>configured</c> versus <c>unchanged</c>, then one convergence of the control plane and
/// one store transaction. Valid objects are applied, each invalid one is reported in kubectl's
/// words, and the exit code is 1 if any failed.
/// </summary>
public sealed class ApplyEngine
{
    /// <summary>The annotation kubectl apply keeps the applied manifest in.</summary>
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    private readonly ClusterSession session;
    private readonly CliContext context;
    private readonly string? namespaceFlag;
    private readonly bool quiet;
    // the apiserver's Service allocators, indexed once per apply (admitting each Service against a fresh
    // index of every Service would be quadratic in a large multi-object apply)
    private ServiceAllocator.Batch? allocator;

    /// <summary>Creates an engine; <paramref name="quiet"/> suppresses the per-object lines (in-memory reads).</summary>
    public ApplyEngine(ClusterSession session, CliContext context, string? namespaceFlag, bool quiet = false)
    {
        this.session = session;
        this.context = context;
        this.namespaceFlag = namespaceFlag;
        this.quiet = quiet;
    }

    /// <summary>Applies every readable object; returns the exit code.</summary>
    public int Apply(ManifestSet manifests, ApplyMode mode)
    {
        int rc = 0;
        var errors = new List<string>();
        foreach (var e in manifests.Errors)
        {
            errors.Add(e.KubectlLine);
            rc = 1;
        }
        if (manifests.HasFatalErrors)
        {
            // kubectl's resource builder stops at a syntax error before anything is sent
            foreach (var e in errors)
            {
                context.Err.WriteLine(e);
            }
            return 1;
        }
        var timer = new StepTimer(context.Timings);
        // Stored Events are not decoded for the convergence unless the manifests themselves hold Events
        // (whose created/configured/unchanged answer needs the stored ones).
        var objects = manifests.Items.Any(i => i.Object.Kind == "Event") ? session.Objects : session.ObjectsForConvergence;
        var config = session.Config;
        var now = context.Clock();
        timer.Done("load stored objects");
        allocator = null;
        bool changed = false;
        var prepared = Prepare(manifests.Items, mode);
        for (int i = 0; i < manifests.Items.Count; i++)
        {
            var item = manifests.Items[i];
            var outcome = ApplyOne(item, prepared[i], mode, objects, config, now, out var error);
            if (error is not null)
            {
                errors.Add(error);
                rc = 1;
                continue;
            }
            changed |= outcome != "unchanged";
            if (!quiet)
            {
                var type = KindRegistry.For(item.Object)!;
                context.Out.WriteLine($"{type.QualifiedSingular}/{item.Object.Name} {outcome}");
            }
        }
        timer.Done("apply objects (defaulting, validation, admission)");
        if (changed)
        {
            ControlPlane.Converge(objects, config, now, context.Timings);
            timer.Done("convergence (all controllers)");
            session.Commit();
            timer.Done("commit");
        }
        if (context.Timings is not null)
        {
            context.Timings(FormattableString.Invariant(
                $"garbage collections so far (gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}; {GC.GetTotalAllocatedBytes() >> 20} MiB allocated), paused"),
                GC.GetTotalPauseDuration());
        }
        context.Out.Flush();
        foreach (var e in errors)
        {
            context.Err.WriteLine(e);
        }
        return rc;
    }

    /// <summary>What applying an object computes from the object alone (its namespace resolved): kubectl's last-applied text and the apiserver's defaulting and validation.</summary>
    private sealed record Prepared(KubeObject Namespaced, string? LastApplied, KubeObject Defaulted, IReadOnlyList<FieldError> Errors);

    /// <summary>
    /// The per-object work that does not depend on the cluster, done on all cores before the objects are
    /// applied in order; null for an object whose mapping, name or namespace is an error (reported in order).
    /// </summary>
    private Prepared?[] Prepare(IReadOnlyList<ManifestItem> items, ApplyMode mode)
    {
        var prepared = new Prepared?[items.Count];
        void One(int i)
        {
            var obj = items[i].Object;
            var type = KindRegistry.For(obj);
            if (type is null || string.IsNullOrEmpty(obj.Name))
            {
                return;
            }
            var ns = "";
            if (type.Namespaced)
            {
                ns = obj.Namespace;
                if (namespaceFlag is not null && ns.Length > 0 && ns != namespaceFlag)
                {
                    return;
                }
                if (ns.Length == 0)
                {
                    ns = namespaceFlag ?? "default";
                }
            }
            obj = obj with { Metadata = obj.Metadata with { Namespace = ns } };
            try
            {
                var defaulted = ObjectDefaulter.Default(obj, ns);
                prepared[i] = new Prepared(obj, mode == ApplyMode.Apply ? LastApplied(obj) : null, defaulted, ObjectValidator.Validate(defaulted));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // left to ApplyOne, which meets the same failure in order, as before
            }
        }
        ParallelWork.For(items.Count, One);
        return prepared;
    }

    private string? ApplyOne(ManifestItem item, Prepared? prepared, ApplyMode mode, ObjectSet objects, ClusterConfig config, DateTimeOffset now, out string? error)
    {
        error = null;
        var obj = item.Object;
        var type = KindRegistry.For(obj);
        var verb = mode == ApplyMode.Create ? "creating" : "applying";
        if (type is null)
        {
            error = $"error: resource mapping not found for name: \"{obj.Name}\" namespace: \"{obj.Namespace}\" from \"{item.Source}\": no matches for kind \"{obj.Kind}\" in version \"{obj.ApiVersion}\"\nensure CRDs are installed first";
            return null;
        }
        if (string.IsNullOrEmpty(obj.Name))
        {
            error = $"error: error when retrieving current configuration of:\nResource: \"{type.QualifiedPlural}\", GroupVersionKind: \"{type.ApiVersion}, Kind={type.Kind}\"\nfrom server for: \"{item.Source}\": resource name may not be empty";
            return null;
        }
        var ns = "";
        if (type.Namespaced)
        {
            ns = obj.Namespace;
            if (namespaceFlag is not null && ns.Length > 0 && ns != namespaceFlag)
            {
                error = $"error: the namespace from the provided object \"{ns}\" does not match the namespace \"{namespaceFlag}\". You must pass '--namespace={ns}' to perform this operation.";
                return null;
            }
            if (ns.Length == 0)
            {
                ns = namespaceFlag ?? "default";
            }
            if (objects.Get("Namespace", "", ns) is null)
            {
                error = $"Error from server (NotFound): error when {(mode == ApplyMode.Create ? "creating" : "creating")} \"{item.Source}\": namespaces \"{ns}\" not found";
                return null;
            }
        }
        obj = prepared?.Namespaced ?? obj with { Metadata = obj.Metadata with { Namespace = ns } };
        var existing = objects.Get(obj.Kind, ns, obj.Name);
        if (mode == ApplyMode.Create && existing is not null)
        {
            error = $"Error from server (AlreadyExists): error when creating \"{item.Source}\": {type.QualifiedPlural} \"{obj.Name}\" already exists";
            return null;
        }
        if (existing is not null && existing.Metadata.DeletionTimestamp is not null)
        {
            error = $"Error from server (Forbidden): error when {verb} \"{item.Source}\": {type.QualifiedPlural} \"{obj.Name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated";
            return null;
        }

        string? lastApplied = null;
        if (mode == ApplyMode.Apply)
        {
            lastApplied = prepared is not null ? prepared.LastApplied : LastApplied(obj);
            if (existing is not null && existing.Metadata.Annotations.GetValueOrDefault(LastAppliedAnnotation) == lastApplied)
            {
                return "unchanged";
            }
        }

        // the apiserver's defaulting and validation
        var defaulted = prepared?.Defaulted ?? ObjectDefaulter.Default(obj, ns);
        var fieldErrors = prepared?.Errors ?? ObjectValidator.Validate(defaulted);
        if (fieldErrors.Count > 0)
        {
            error = new InvalidObjectException(defaulted, fieldErrors).KubectlMessage.TrimEnd('\n');
            return null;
        }

        var merged = Merge(existing, defaulted, lastApplied, now);
        if (merged is Namespace nsObj)
        {
            merged = nsObj with
            {
                Metadata = nsObj.Metadata with { Labels = new Dictionary<string, string>(nsObj.Metadata.Labels) { [ClusterBootstrap.NamespaceNameLabel] = nsObj.Name } },
                Spec = nsObj.Spec ?? new NamespaceSpec { Finalizers = ["kubernetes"] },
                Status = new NamespaceStatus { Phase = "Active" },
            };
        }
        if (merged is Service svc)
        {
            allocator ??= new ServiceAllocator.Batch(objects, config);
            var admitted = allocator.Admit(svc, out var admissionError);
            if (admitted is null)
            {
                error = admissionError;
                return null;
            }
            merged = admitted;
        }
        objects.Put(merged);
        return existing is null ? "created" : "configured";
    }

    /// <summary>
    /// The merged object: the manifest's desired state with the server-owned fields of the existing
    /// object (uid, creationTimestamp, generation, status) and, as a three-way merge does for maps,
    /// labels and annotations added by others (e.g. <c>kubectl label</c>) kept.
    /// </summary>
    private static KubeObject Merge(KubeObject? existing, KubeObject desired, string? lastApplied, DateTimeOffset now)
    {
        var labels = new Dictionary<string, string>(desired.Metadata.Labels);
        var annotations = new Dictionary<string, string>(desired.Metadata.Annotations);
        if (existing is not null)
        {
            var previous = PreviousApplied(existing);
            foreach (var (k, v) in existing.Metadata.Labels)
            {
                if (!labels.ContainsKey(k) && !(previous?.Labels.ContainsKey(k) ?? false))
                {
                    labels[k] = v;
                }
            }
            foreach (var (k, v) in existing.Metadata.Annotations)
            {
                if (k != LastAppliedAnnotation && !annotations.ContainsKey(k) && !(previous?.Annotations.ContainsKey(k) ?? false))
                {
                    annotations[k] = v;
                }
            }
        }
        if (lastApplied is not null)
        {
            annotations[LastAppliedAnnotation] = lastApplied;
        }
        var meta = desired.Metadata with
        {
            Labels = labels,
            Annotations = annotations,
            Uid = existing?.Metadata.Uid ?? ObjectIdentity.Uid(desired.Kind, desired.Namespace, desired.Name, now),
            CreationTimestamp = existing?.Metadata.CreationTimestamp ?? now,
            ResourceVersion = existing?.Metadata.ResourceVersion,
            Generation = existing?.Metadata.Generation is { } g ? g + 1 : 1,
        };
        var result = desired with { Metadata = meta };
        if (existing is not null)
        {
            result = CopyStatus(existing, result);
        }
        return result;
    }

    private static KubeObject CopyStatus(KubeObject from, KubeObject to) => (from, to) switch
    {
        (Pod a, Pod b) => b with { Status = a.Status, Spec = b.Spec with { NodeName = b.Spec.NodeName ?? a.Spec.NodeName } },
        (Service a, Service b) => b with { Status = b.Status ?? a.Status },
        (Node a, Node b) => b with { Status = b.Status ?? a.Status },
        (Cluster.Api.Apps.Deployment a, Cluster.Api.Apps.Deployment b) => b with { Status = a.Status },
        (Cluster.Api.Apps.ReplicaSet a, Cluster.Api.Apps.ReplicaSet b) => b with { Status = a.Status },
        (Cluster.Api.Apps.StatefulSet a, Cluster.Api.Apps.StatefulSet b) => b with { Status = a.Status },
        (Cluster.Api.Apps.DaemonSet a, Cluster.Api.Apps.DaemonSet b) => b with { Status = a.Status },
        (Cluster.Api.Batch.Job a, Cluster.Api.Batch.Job b) => b with { Status = a.Status },
        _ => to,
    };

    private static (IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations)? PreviousApplied(KubeObject existing)
    {
        if (existing.Metadata.Annotations.GetValueOrDefault(LastAppliedAnnotation) is not { } json)
        {
            return null;
        }
        try
        {
            var node = JsonNode.Parse(json)?["metadata"];
            IReadOnlyDictionary<string, string> Map(string key) =>
                node?[key] is JsonObject o ? o.ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "") : Empty.Map;
            return (Map("labels"), Map("annotations"));
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// kubectl's <c>last-applied-configuration</c>: the manifest as compact JSON with sorted keys
    /// (Go's map order), the annotation itself left out, and a trailing newline.
    /// </summary>
    public static string LastApplied(KubeObject manifest)
    {
        var clean = manifest;
        if (manifest.Metadata.Annotations.ContainsKey(LastAppliedAnnotation))
        {
            var annotations = manifest.Metadata.Annotations.Where(kv => kv.Key != LastAppliedAnnotation).ToDictionary(kv => kv.Key, kv => kv.Value);
            clean = manifest with { Metadata = manifest.Metadata with { Annotations = annotations } };
        }
        var json = KubeObjectCodec.EncodeUtf8(clean);
        if (SortedJson.TrySort(json, emptyAnnotations: true) is { } sorted)
        {
            return sorted + "\n";
        }
        return LastAppliedByDocument(json);
    }

    /// <summary>The last-applied text of encoded JSON by decoding it and writing it back sorted (the reference path).</summary>
    internal static string LastAppliedByDocument(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteLastApplied(writer, doc.RootElement);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    // The manifest with sorted keys (ObjectComparer.WriteSorted), where kubectl leaves metadata.annotations
    // in place as an empty map when it is missing or null.
    private static void WriteLastApplied(Utf8JsonWriter writer, JsonElement root)
    {
        writer.WriteStartObject();
        foreach (var p in ObjectComparer.SortedProperties(root))
        {
            writer.WritePropertyName(p.Name);
            if (p.Name == "metadata" && p.Value.ValueKind == JsonValueKind.Object)
            {
                WriteMetadata(writer, p.Value);
            }
            else
            {
                ObjectComparer.WriteSorted(writer, p.Value);
            }
        }
        writer.WriteEndObject();
    }

    private static void WriteMetadata(Utf8JsonWriter writer, JsonElement metadata)
    {
        writer.WriteStartObject();
        var annotationsWritten = false;
        foreach (var p in ObjectComparer.SortedProperties(metadata))
        {
            if (!annotationsWritten && string.CompareOrdinal(p.Name, "annotations") >= 0)
            {
                annotationsWritten = true;
                if (p.Name != "annotations" || p.Value.ValueKind == JsonValueKind.Null)
                {
                    writer.WriteStartObject("annotations");
                    writer.WriteEndObject();
                    if (p.Name == "annotations")
                    {
                        continue;
                    }
                }
            }
            writer.WritePropertyName(p.Name);
            ObjectComparer.WriteSorted(writer, p.Value);
        }
        if (!annotationsWritten)
        {
            writer.WriteStartObject("annotations");
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }
}
