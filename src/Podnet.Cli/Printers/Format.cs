using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cli.Printers;

/// <summary>Small formatting helpers shared by the printers, each named after its Go original.</summary>
public static class Format
{
    /// <summary><c>labels.FormatLabels</c>: <c>k=v,k2=v2</c> sorted by key, or <c>&lt;none&gt;</c>.</summary>
    public static string Labels(IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null || labels.Count == 0)
        {
            return "<none>";
        }
        return string.Join(",", labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value));
    }

    /// <summary><c>metav1.FormatLabelSelector</c>: the selector's string form, or <c>&lt;none&gt;</c>.</summary>
    public static string LabelSelector(LabelSelector? selector)
    {
        if (selector is null)
        {
            return "<none>";
        }
        try
        {
            var s = selector.ToQuery().ToString();
            return s.Length == 0 ? "<none>" : s;
        }
        catch (InvalidOperationException)
        {
            return "<error>";
        }
    }

    /// <summary><c>loadBalancerStatusStringer</c>: ingress IPs/hostnames, clipped to 16 characters unless wide.</summary>
    public static string LoadBalancerStatus(LoadBalancerStatus? status, bool wide)
    {
        var parts = new List<string>();
        foreach (var ing in status?.Ingress ?? [])
        {
            if (!string.IsNullOrEmpty(ing.Ip))
            {
                parts.Add(ing.Ip);
            }
            else if (!string.IsNullOrEmpty(ing.Hostname))
            {
                parts.Add(ing.Hostname);
            }
        }
        var r = string.Join(",", parts);
        if (!wide && r.Length > 16)
        {
            r = r[..13] + "...";
        }
        return r;
    }

    /// <summary>AGE of an object's creation timestamp at <paramref name="now"/>.</summary>
    public static string Age(KubeObject obj, DateTimeOffset now) => HumanDuration.Since(obj.Metadata.CreationTimestamp, now);

    /// <summary>A list of at most <paramref name="max"/> items then <c> + N more...</c> (<c>listWithMoreString</c>).</summary>
    public static string ListWithMore(IReadOnlyList<string> items, int max, string empty)
    {
        var shown = items.Take(max).ToList();
        var ret = string.Join(",", shown);
        if (items.Count > max)
        {
            return $"{ret} + {items.Count - max} more...";
        }
        return ret.Length == 0 ? empty : ret;
    }

    /// <summary>Joins a container list's names (CONTAINERS column).</summary>
    public static string ContainerNames(PodSpec spec) => string.Join(",", spec.Containers.Select(c => c.Name));

    /// <summary>Joins a container list's images (IMAGES column).</summary>
    public static string ContainerImages(PodSpec spec) => string.Join(",", spec.Containers.Select(c => c.Image ?? ""));
}
