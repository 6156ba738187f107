namespace Podnet.Cli.Commands;

/// <summary>
/// One API resource as kubectl's discovery knows it (Go: <c>metav1.APIResource</c> plus the RESTMapper):
/// its kind, group, plural, singular and short names, and whether it is namespaced.
/// </summary>
public sealed record ResourceType(string Kind, string Group, string Version, string Plural, bool Namespaced, params string[] ShortNames)
{
    /// <summary>The singular lower-case name (<c>service</c>).</summary>
    public string Singular => Kind.ToLowerInvariant();

    /// <summary>apiVersion of the objects (<c>v1</c>, <c>apps/v1</c>).</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <summary>
    /// The group-qualified lower-case kind kubectl prints before a name: <c>service</c>,
    /// <c>deployment.apps</c>, <c>ingress.networking.k8s.io</c> (Go: <c>GroupKind.String()</c> lowercased).
    /// </summary>
    public string KindPrefix => Group.Length == 0 ? Singular : Singular + "." + Group;

    /// <summary>The resource as kubectl names it in server errors (<c>services</c>, <c>deployments.apps</c>).</summary>
    public string GroupResource => Group.Length == 0 ? Plural : Plural + "." + Group;
}
