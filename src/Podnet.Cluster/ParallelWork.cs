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
}
