using System.Globalization;
using System.Numerics;

namespace Podnet.Cluster.KubeProxy.Iptables;

/// <summary>
/// Upstream <c>computeProbability(n)</c> = Go's <c>fmt.Sprintf("%0.10f", 1.0/float64(n))</c>:
/// exactly ten decimals, rounded half-to-even on the exact binary value (as Go does), precomputed.
/// </summary>
public static class Probability
{
    private static string[] s_cache = BuildCache(1001);

    /// <summary>The probability text for the i-th of <paramref name="n"/> remaining endpoints.</summary>
    public static string For(int n)
    {
        var cache = s_cache;
        if (n < cache.Length) return cache[n];
        if (n > 1_000_000) return Compute(n);
        var bigger = BuildCache(Math.Max(n + 1, cache.Length * 2));
        s_cache = bigger;
        return bigger[n];
    }

    private static string[] BuildCache(int size)
    {
        var arr = new string[size];
        arr[0] = "<bad value>";
        for (int i = 1; i < size; i++) arr[i] = Compute(i);
        return arr;
    }

    /// <summary>Formats <c>1.0/n</c> with ten decimals exactly as Go's <c>%0.10f</c>.</summary>
    public static string Compute(int n) => FormatF10(1.0 / n);

    /// <summary>Go <c>%0.10f</c> of a non-negative double: exact decimal expansion, round half to even.</summary>
    public static string FormatF10(double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        int exp = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exp == 0) exp = 1; else mantissa |= 1L << 52;
        int e2 = exp - 1075; // value = mantissa * 2^e2
        BigInteger num = mantissa, den = BigInteger.One;
        if (e2 >= 0) num <<= e2; else den <<= -e2;
        num *= BigInteger.Pow(10, 10);
        var q = BigInteger.DivRem(num, den, out var rem);
        var twice = rem * 2;
        int cmp = twice.CompareTo(den);
        if (cmp > 0 || (cmp == 0 && !q.IsEven)) q += 1;
        var digits = q.ToString(CultureInfo.InvariantCulture).PadLeft(11, '0');
        return digits[..^10] + "." + digits[^10..];
    }
}
