using Podnet.Cluster.Api.Meta;

namespace Podnet.Cli.Commands;

/// <summary>One requested resource type with the names asked for (none = all).</summary>
public sealed record ResourceRequest(ResourceType Type, IReadOnlyList<string> Names);

/// <summary>
/// kubectl's resource argument forms: <c>TYPE</c>, <c>TYPE1,TYPE2</c>, <c>TYPE NAME...</c> and
/// <c>TYPE/NAME...</c> (resolved through the kind registry's plural, singular and short names).
/// </summary>
public static class ResourceArgs
{
    /// <summary>Parses positional arguments into requests, in the order given.</summary>
    public static IReadOnlyList<ResourceRequest> Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            return [];
        }
        if (args.All(a => a.Contains('/', StringComparison.Ordinal)))
        {
            var result = new List<ResourceRequest>();
            foreach (var a in args)
            {
                var slash = a.IndexOf('/', StringComparison.Ordinal);
                var type = KubectlException.ResolveType(a[..slash]);
                var name = a[(slash + 1)..];
                if (name.Length == 0)
                {
                    throw new KubectlException($"error: arguments in resource/name form must have a single resource and name");
                }
                var existing = result.FindIndex(r => r.Type == type);
                if (existing >= 0)
                {
                    result[existing] = result[existing] with { Names = [.. result[existing].Names, name] };
                }
                else
                {
                    result.Add(new ResourceRequest(type, [name]));
                }
            }
            return result;
        }
        if (args.Skip(1).Any(a => a.Contains('/', StringComparison.Ordinal)))
        {
            throw new KubectlException("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'podnet get resource/<resource_name>' instead of 'podnet get resource resource/<resource_name>'");
        }
        var types = args[0].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(KubectlException.ResolveType).Distinct().ToList();
        var names = args.Skip(1).ToList();
        return types.Select(t => new ResourceRequest(t, names)).ToList();
    }
}
