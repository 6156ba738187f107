namespace Podnet.Cluster.Api.Meta;

/// <summary>
/// One API resource as discovery describes it (<c>kubectl api-resources</c>): kind, group/version,
/// plural resource name, singular, short names, whether it is namespaced, and the C# type modelling it.
/// </summary>
public sealed record ResourceType(
    string Kind,
    string Group,
    string Version,
    string Plural,
    IReadOnlyList<string> ShortNames,
    bool Namespaced,
    Type ClrType)
{
    /// <summary><c>apiVersion</c> text: <c>v1</c> for the core group, else <c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <summary>Singular resource name (lower-case kind).</summary>
    public string Singular => Kind.ToLowerInvariant();

    /// <summary>The <c>resource.group</c> form kubectl prints in <c>-o name</c> and <c>apply</c> output (<c>deployment.apps</c>; core kinds have no group suffix).</summary>
    public string QualifiedSingular => Group.Length == 0 ? Singular : Singular + "." + Group;

    /// <summary><c>plural.group</c> (<c>deployments.apps</c>), the form used in API error messages.</summary>
    public string QualifiedPlural => Group.Length == 0 ? Plural : Plural + "." + Group;
}
