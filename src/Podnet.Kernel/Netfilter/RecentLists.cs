namespace Podnet.Kernel.Netfilter;

/// <summary>The address lists of the <c>recent</c> match (<c>/proc/net/xt_recent/NAME</c>), last-seen times in virtual time.</summary>
internal sealed class RecentLists
{
    private readonly Dictionary<string, Dictionary<uint, List<TimeSpan>>> _lists = new(StringComparer.Ordinal);

    public Dictionary<uint, List<TimeSpan>> Get(string name)
    {
        if (!_lists.TryGetValue(name, out var l)) _lists[name] = l = new Dictionary<uint, List<TimeSpan>>();
        return l;
    }
}
