namespace Podnet.Cluster.NetworkPolicies;

/// <summary>
/// A Kubernetes label selector (<c>metav1.LabelSelector</c>: matchLabels AND matchExpressions with In,
/// NotIn, Exists, DoesNotExist) compiled for repeated matching. An empty selector matches everything.
/// <see cref="Key"/> is a canonical text used to share work between equal selectors.
/// </summary>
public sealed class CompiledSelector
{
    private readonly Requirement[] requirements;

    private CompiledSelector(Requirement[] requirements, string key)
    {
        this.requirements = requirements;
        Key = key;
    }

    /// <summary>The empty selector <c>{}</c>: selects everything.</summary>
    public static CompiledSelector Everything { get; } = new([], "{}");

    /// <summary>Canonical text of the selector (kubectl's form, sorted), e.g. <c>app=web,tier in (a,b)</c>.</summary>
    public string Key { get; }

    /// <summary>True for <c>{}</c>.</summary>
    public bool IsEmpty => requirements.Length == 0;

    /// <summary>Compiles matchLabels and matchExpressions (operator names as in the API).</summary>
    public static CompiledSelector Create(
        IEnumerable<KeyValuePair<string, string>>? matchLabels,
        IEnumerable<(string Key, string Operator, IReadOnlyList<string> Values)>? matchExpressions)
    {
        var reqs = new List<Requirement>();
        foreach (var (k, v) in matchLabels ?? [])
        {
            reqs.Add(new Requirement(k, SelectorOperator.In, [v]));
        }

        foreach (var (k, op, values) in matchExpressions ?? [])
        {
            var o = op switch
            {
                "In" => SelectorOperator.In,
                "NotIn" => SelectorOperator.NotIn,
                "Exists" => SelectorOperator.Exists,
                "DoesNotExist" => SelectorOperator.DoesNotExist,
                _ => throw new ArgumentException($"\"{op}\" is not a valid label selector operator", nameof(matchExpressions)),
            };
            reqs.Add(new Requirement(k, o, values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray()));
        }

        if (reqs.Count == 0)
        {
            return Everything;
        }

        var sorted = reqs.OrderBy(r => r.Key, StringComparer.Ordinal).ThenBy(r => r.Operator).ThenBy(r => string.Join(",", r.Values), StringComparer.Ordinal).ToArray();
        var key = string.Join(",", sorted.Select(r => r.ToString()));
        return new CompiledSelector(sorted, key);
    }

    /// <summary>Whether the labels satisfy every requirement.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var r in requirements)
        {
            var has = labels.TryGetValue(r.Key, out var v);
            var ok = r.Operator switch
            {
                SelectorOperator.In => has && Array.IndexOf(r.Values, v) >= 0,
                SelectorOperator.NotIn => !has || Array.IndexOf(r.Values, v) < 0,
                SelectorOperator.Exists => has,
                _ => !has,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Key;

    private enum SelectorOperator
    {
        In,
        NotIn,
        Exists,
        DoesNotExist,
    }

    private sealed record Requirement(string Key, SelectorOperator Operator, string[] Values)
    {
        public override string ToString() => Operator switch
        {
            SelectorOperator.In when Values.Length == 1 => $"{Key}={Values[0]}",
            SelectorOperator.In => $"{Key} in ({string.Join(",", Values)})",
            SelectorOperator.NotIn => $"{Key} notin ({string.Join(",", Values)})",
            SelectorOperator.Exists => Key,
            _ => "!" + Key,
        };
    }
}
