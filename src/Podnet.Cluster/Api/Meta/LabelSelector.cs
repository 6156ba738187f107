using System.Text.Json;
using System.Text.Json.Serialization;

namespace Podnet.Cluster.Api.Meta;

/// <summary>
/// Kubernetes <c>metav1.LabelSelector</c> (matchLabels ANDed with matchExpressions). An empty selector
/// matches everything; a missing (null) selector is the caller's business (Kubernetes treats it as
/// matching nothing in most places).
/// </summary>
public sealed record LabelSelector
{
    /// <summary><c>matchLabels</c>: key = value requirements.</summary>
    public IReadOnlyDictionary<string, string> MatchLabels { get; init; } = Empty.Map;

    /// <summary><c>matchExpressions</c>: In / NotIn / Exists / DoesNotExist requirements.</summary>
    public IReadOnlyList<LabelSelectorRequirement> MatchExpressions { get; init; } = [];

    /// <summary>Unmodelled fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }

    /// <summary>True when the selector has no requirement at all (selects everything).</summary>
    [JsonIgnore]
    public bool IsEmpty => MatchLabels.Count == 0 && MatchExpressions.Count == 0;

    /// <summary>Whether <paramref name="labels"/> satisfy every requirement (as <c>metav1.LabelSelectorAsSelector(s).Matches</c>).</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (k, v) in MatchLabels)
        {
            if (!labels.TryGetValue(k, out var actual) || actual != v)
            {
                return false;
            }
        }

        foreach (var e in MatchExpressions)
        {
            if (!e.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Makes a selector of plain key = value pairs.</summary>
    public static LabelSelector FromLabels(IReadOnlyDictionary<string, string> labels) => new() { MatchLabels = labels };

    /// <summary>The selector as a <see cref="LabelQuery"/> (the <c>labels.Selector</c> form).</summary>
    public LabelQuery ToQuery()
    {
        var reqs = new List<LabelRequirement>();
        foreach (var (k, v) in MatchLabels)
        {
            reqs.Add(new LabelRequirement(k, LabelOperator.Equals, [v]));
        }

        foreach (var e in MatchExpressions)
        {
            var op = e.Operator switch
            {
                "In" => LabelOperator.In,
                "NotIn" => LabelOperator.NotIn,
                "Exists" => LabelOperator.Exists,
                "DoesNotExist" => LabelOperator.DoesNotExist,
                _ => throw new InvalidOperationException($"\"{e.Operator}\" is not a valid label selector operator"),
            };
            reqs.Add(new LabelRequirement(e.Key, op, e.Values));
        }

        return new LabelQuery(reqs);
    }

    /// <summary>The selector in kubectl's text form (<c>metav1.FormatLabelSelector</c>): <c>app=web,tier in (a,b)</c>, <c>&lt;none&gt;</c> when empty.</summary>
    public override string ToString()
    {
        if (IsEmpty)
        {
            return "<none>";
        }

        var q = ToQuery();
        return q.ToString();
    }
}

/// <summary>Kubernetes <c>metav1.LabelSelectorRequirement</c>.</summary>
public sealed record LabelSelectorRequirement
{
    /// <summary>The label key.</summary>
    public string Key { get; init; } = "";

    /// <summary><c>In</c>, <c>NotIn</c>, <c>Exists</c> or <c>DoesNotExist</c>.</summary>
    public string Operator { get; init; } = "";

    /// <summary>Values for In/NotIn; empty for Exists/DoesNotExist.</summary>
    public IReadOnlyList<string> Values { get; init; } = [];

    /// <summary>Unmodelled fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }

    /// <summary>Evaluates this requirement against a label set.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var v);
        return Operator switch
        {
            "In" => has && Values.Contains(v!),
            "NotIn" => !has || !Values.Contains(v!),
            "Exists" => has,
            "DoesNotExist" => !has,
            _ => false,
        };
    }
}
