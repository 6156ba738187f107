using System.Globalization;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// Deterministic object identities: UIDs in the RFC 4122 shape the apiserver gives, derived from the
/// kind, namespace and name (and creation time) so that the same objects always get the same UIDs.
/// </summary>
public static class ObjectIdentity
{
    /// <summary>A UUID-shaped identifier derived from its parts.</summary>
    public static string Uid(string kind, string ns, string name, DateTimeOffset? created = null)
    {
        // FNV-1a of "<kind>/<ns>/<name>/<ticks>" (a) and of "uid:" + the same (b), hashed piece by piece
        Span<char> ticks = stackalloc char[20];
        int tickLength = 0;
        if (created is { } c)
        {
            c.UtcTicks.TryFormat(ticks, out tickLength, default, CultureInfo.InvariantCulture);
        }
        ulong a = Seed(14695981039346656037, kind, ns, name, ticks[..tickLength]);
        ulong b = Seed(NameGenerator.Fnv64a(14695981039346656037, "uid:"), kind, ns, name, ticks[..tickLength]);
        Span<char> hex = stackalloc char[32];
        a.TryFormat(hex, out _, "x16", CultureInfo.InvariantCulture);
        b.TryFormat(hex[16..], out _, "x16", CultureInfo.InvariantCulture);
        // version 4 / RFC 4122 variant bits, as uuid.New() would set them
        hex[12] = '4';
        int v = hex[16] <= '9' ? hex[16] - '0' : hex[16] - 'a' + 10;
        hex[16] = "89ab"[v & 3];
        Span<char> uid = stackalloc char[36];
        hex[..8].CopyTo(uid);
        uid[8] = '-';
        hex[8..12].CopyTo(uid[9..]);
        uid[13] = '-';
        hex[12..16].CopyTo(uid[14..]);
        uid[18] = '-';
        hex[16..20].CopyTo(uid[19..]);
        uid[23] = '-';
        hex[20..32].CopyTo(uid[24..]);
        return new string(uid);
    }

    private static ulong Seed(ulong hash, string kind, string ns, string name, ReadOnlySpan<char> ticks)
    {
        ReadOnlySpan<char> slash = "/";
        hash = NameGenerator.Fnv64a(hash, kind);
        hash = NameGenerator.Fnv64a(hash, slash);
        hash = NameGenerator.Fnv64a(hash, ns);
        hash = NameGenerator.Fnv64a(hash, slash);
        hash = NameGenerator.Fnv64a(hash, name);
        hash = NameGenerator.Fnv64a(hash, slash);
        return NameGenerator.Fnv64a(hash, ticks);
    }

    /// <summary>The object with a UID when it has none.</summary>
    public static T WithUid<T>(T obj) where T : KubeObject =>
        string.IsNullOrEmpty(obj.Metadata.Uid)
            ? obj with { Metadata = obj.Metadata with { Uid = Uid(obj.Kind, obj.Namespace, obj.Name, obj.Metadata.CreationTimestamp) } }
            : obj;

    /// <summary>An owner reference to <paramref name="owner"/> as its controller.</summary>
    public static OwnerReference ControllerRef(KubeObject owner) => new()
    {
        ApiVersion = owner.ApiVersion,
        Kind = owner.Kind,
        Name = owner.Name,
        Uid = owner.Metadata.Uid ?? "",
        Controller = true,
        BlockOwnerDeletion = true,
    };

    /// <summary>The controlling owner reference of <paramref name="obj"/>, or null.</summary>
    public static OwnerReference? ControllerOf(KubeObject obj)
    {
        var refs = obj.Metadata.OwnerReferences;
        for (int i = 0; i < refs.Count; i++)
        {
            if (refs[i].Controller == true)
            {
                return refs[i];
            }
        }
        return null;
    }

    /// <summary>Whether <paramref name="obj"/> is controlled by <paramref name="owner"/> (kind and name; UID when both have one).</summary>
    public static bool IsControlledBy(KubeObject obj, KubeObject owner)
    {
        var r = ControllerOf(obj);
        return r is not null && r.Kind == owner.Kind && r.Name == owner.Name
            && (string.IsNullOrEmpty(r.Uid) || string.IsNullOrEmpty(owner.Metadata.Uid) || r.Uid == owner.Metadata.Uid);
    }
}
