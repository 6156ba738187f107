using System.Text;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// The shapes of the names Kubernetes controllers generate, derived deterministically instead of
/// randomly: the ReplicaSet's <c>pod-template-hash</c> (<c>rand.SafeEncodeString</c> of the decimal
/// FNV-32a hash of the pod template), and <c>generateName</c> suffixes of 5 characters from
/// <c>utilrand.String</c>'s alphabet. The same inputs always give the same names.
/// </summary>
public static class NameGenerator
{
    /// <summary>Kubernetes' <c>rand</c> alphabet: no vowels (no words) and no confusable 0/1/3.</summary>
    public const string Alphanums = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>The longest name a <c>generateName</c> prefix may take (63 - 5 random characters).</summary>
    public const int MaxGeneratedNamePrefix = 58;

    /// <summary>FNV-1a 32-bit hash (Go's <c>hash/fnv.New32a</c>) of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static uint Fnv32a(string text)
    {
        uint hash = 2166136261;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 16777619;
        }
        return hash;
    }

    /// <summary>FNV-1a 64-bit hash of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static ulong Fnv64a(string text) => Fnv64a(14695981039346656037, text);

    /// <summary>Continues an FNV-1a hash over the UTF-8 bytes of <paramref name="text"/> (hashing a then b equals hashing a + b).</summary>
    internal static ulong Fnv64a(ulong hash, ReadOnlySpan<char> text)
    {
        if (!System.Text.Ascii.IsValid(text))
        {
            foreach (var b in Encoding.UTF8.GetBytes(text.ToArray()))
            {
                hash ^= b;
                hash *= 1099511628211;
            }
            return hash;
        }
        // ASCII: each char is its own UTF-8 byte (no encoding buffer)
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 1099511628211;
        }
        return hash;
    }

    /// <summary><c>rand.SafeEncodeString</c>: maps every byte to <see cref="Alphanums"/>[b % 27].</summary>
    public static string SafeEncodeString(string s)
    {
        var chars = new char[s.Length];
        for (int i = 0; i < s.Length; i++)
        {
            chars[i] = Alphanums[s[i] % Alphanums.Length];
        }
        return new string(chars);
    }

    /// <summary>
    /// The <c>pod-template-hash</c> label value of a Deployment's ReplicaSet: as
    /// <c>controller.ComputeHash</c> does, FNV-32a over the template (here its canonical JSON) and the
    /// collision count, printed in decimal and safe-encoded (so 6 to 10 characters).
    /// </summary>
    public static string PodTemplateHash(string canonicalTemplate, int? collisionCount = null)
    {
        var text = collisionCount is { } c ? canonicalTemplate + "\u0000" + c.ToString(System.Globalization.CultureInfo.InvariantCulture) : canonicalTemplate;
        return SafeEncodeString(Fnv32a(text).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// A deterministic 5-character suffix in <c>utilrand.String(5)</c>'s shape, drawn from
    /// <paramref name="identity"/> (e.g. the owner's name and the replica's slot) and an attempt counter
    /// used to step past names already taken.
    /// </summary>
    public static string Suffix(string identity, int attempt = 0)
    {
        ulong h = Fnv64a(attempt == 0 ? identity : identity + "#" + attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Span<char> chars = stackalloc char[5];
        for (int i = 0; i < 5; i++)
        {
            chars[i] = Alphanums[(int)(h % (ulong)Alphanums.Length)];
            h /= (ulong)Alphanums.Length;
        }
        return new string(chars);
    }

    /// <summary><c>names.SimpleNameGenerator.GenerateName</c>: the prefix, cut to 58 characters, plus a suffix.</summary>
    public static string GenerateName(string prefix, string identity, int attempt = 0)
    {
        if (prefix.Length > MaxGeneratedNamePrefix)
        {
            prefix = prefix[..MaxGeneratedNamePrefix];
        }
        return prefix + Suffix(identity, attempt);
    }
}
