namespace Podnet.Cluster.Api.Serialization;

/// <summary>
/// The map key order of Go's yaml.v2 encoder (<c>keyList.Less</c>), which kubectl's <c>-o yaml</c> shows:
/// letters compare by code point, a non-letter sorts before a letter (after a letter when following a
/// digit), and runs of digits compare as numbers (<c>a2</c> before <c>a10</c>).
/// </summary>
public sealed class YamlKeyOrder : IComparer<string>
{
    /// <summary>The shared instance.</summary>
    public static YamlKeyOrder Instance { get; } = new();

    /// <inheritdoc />
    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        if (Less(x, y)) return -1;
        if (Less(y, x)) return 1;
        return 0;
    }

    /// <summary>yaml.v2's Less for two string keys.</summary>
    public static bool Less(string a, string b)
    {
        // Code units rather than runes: identical for the BMP, which is all Kubernetes keys use.
        var ar = a;
        var br = b;
        var digits = false;
        for (var i = 0; i < ar.Length && i < br.Length; i++)
        {
            if (ar[i] == br[i])
            {
                digits = IsDigit(ar[i]);
                continue;
            }

            var al = IsLetter(ar[i]);
            var bl = IsLetter(br[i]);
            if (al && bl)
            {
                return ar[i] < br[i];
            }

            if (al || bl)
            {
                return digits ? al : bl;
            }

            long an = 0, bn = 0;
            int ai, bi;
            if (ar[i] == '0' || br[i] == '0')
            {
                for (var j = i - 1; j >= 0 && IsDigit(ar[j]); j--)
                {
                    if (ar[j] != '0')
                    {
                        an = 1;
                        bn = 1;
                        break;
                    }
                }
            }

            for (ai = i; ai < ar.Length && IsDigit(ar[ai]); ai++)
            {
                an = an * 10 + (ar[ai] - '0');
            }

            for (bi = i; bi < br.Length && IsDigit(br[bi]); bi++)
            {
                bn = bn * 10 + (br[bi] - '0');
            }

            if (an != bn)
            {
                return an < bn;
            }

            if (ai != bi)
            {
                return ai < bi;
            }

            return ar[i] < br[i];
        }

        return ar.Length < br.Length;
    }

    private static bool IsLetter(char r) => char.IsLetter(r);

    private static bool IsDigit(char r) => r is >= '0' and <= '9';
}
