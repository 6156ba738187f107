namespace Podnet.Cluster;

/// <summary>
/// Runs independent per-item work on all cores when there is enough of it to pay for the threads, else in
/// order on the calling thread. The callers keep determinism by writing each item's result to its own slot
/// and applying the results in item order afterwards.
/// </summary>
public static class ParallelWork
{
    /// <summary>Calls <paramref name="body"/> for 0 … <paramref name="count"/> − 1, in parallel from <paramref name="minimum"/> items on.</summary>
    public static void For(int count, Action<int> body, int minimum = 256)
    {
        if (count >= minimum)
        {
            Parallel.For(0, count, body);
            return;
        }
        for (int i = 0; i < count; i++)
        {
            body(i);
        }
    }

    /// <summary>
    /// Sorts <paramref name="list"/>[<paramref name="from"/> .. <paramref name="from"/> + <paramref name="count"/>)
    /// with <paramref name="comparer"/>; a large range as two halves on two cores, then merged. For comparers
    /// that order distinct items strictly (no ties), so that the result is the same either way.
    /// </summary>
    public static void Sort<T>(List<T> list, int from, int count, IComparer<T> comparer)
    {
        if (count < 65536 || Environment.ProcessorCount < 2)
        {
            list.Sort(from, count, comparer);
            return;
        }
        var half = count / 2;
        Parallel.Invoke(() => list.Sort(from, half, comparer), () => list.Sort(from + half, count - half, comparer));
        var merged = new T[count];
        int i = from, j = from + half, end = from + count, k = 0;
        while (i < from + half && j < end)
        {
            merged[k++] = comparer.Compare(list[i], list[j]) <= 0 ? list[i++] : list[j++];
        }
        while (i < from + half)
        {
            merged[k++] = list[i++];
        }
        while (j < end)
        {
            merged[k++] = list[j++];
        }
        for (k = 0; k < count; k++)
        {
            list[from + k] = merged[k];
        }
    }

    /// <summary>Sorts all of <paramref name="list"/> (see <see cref="Sort{T}(List{T}, int, int, IComparer{T})"/>).</summary>
    public static void Sort<T>(List<T> list, IComparer<T> comparer) => Sort(list, 0, list.Count, comparer);
}
