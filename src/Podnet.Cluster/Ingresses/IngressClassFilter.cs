using Podnet.Cluster.Api.Networking;

namespace Podnet.Cluster.Ingresses;

/// <summary>
/// Which Ingresses a controller serves, as ingress-nginx decides (<c>--ingress-class=nginx</c>,
/// <c>--controller-class=k8s.io/ingress-nginx</c>): the legacy annotation
/// <c>kubernetes.io/ingress.class</c> wins when present (served only when it names our class);
/// otherwise <c>spec.ingressClassName</c> must name an IngressClass whose <c>spec.controller</c> is
/// ours; an Ingress with neither is served when our IngressClass is the cluster's default (the
/// DefaultIngressClass admission plugin gives such an Ingress that class at creation).
/// </summary>
public sealed class IngressClassFilter(string className = IngressClassFilter.DefaultClassName, string controller = IngressClassFilter.DefaultController)
{
    /// <summary>ingress-nginx's default <c>--ingress-class</c>.</summary>
    public const string DefaultClassName = "nginx";

    /// <summary>ingress-nginx's default <c>--controller-class</c>.</summary>
    public const string DefaultController = "k8s.io/ingress-nginx";

    /// <summary>The class name this controller answers to.</summary>
    public string ClassName { get; } = className;

    /// <summary>The controller value IngressClasses must carry.</summary>
    public string Controller { get; } = controller;

    /// <summary>Why <paramref name="ingress"/> is (not) served: null when served, else the reason the controller logs.</summary>
    public string? Reject(Api.Networking.Ingress ingress, IReadOnlyCollection<IngressClass> classes)
    {
        if (ingress.Metadata.Annotations.TryGetValue(IngressAnnotations.LegacyClass, out var legacy))
        {
            return legacy == ClassName ? null : $"ignoring ingress {ingress.Namespace}/{ingress.Name}: annotation {IngressAnnotations.LegacyClass}=\"{legacy}\" is not \"{ClassName}\"";
        }
        if (ingress.Spec.IngressClassName is { Length: > 0 } name)
        {
            var ic = classes.FirstOrDefault(c => c.Name == name);
            if (ic is null) return $"ignoring ingress {ingress.Namespace}/{ingress.Name}: IngressClass \"{name}\" not found";
            return ic.Spec.Controller == Controller ? null : $"ignoring ingress {ingress.Namespace}/{ingress.Name}: IngressClass \"{name}\" is for controller \"{ic.Spec.Controller}\"";
        }
        var defaults = classes.Where(IsDefault).ToList();
        if (defaults.Count == 1 && defaults[0].Spec.Controller == Controller) return null;
        return $"ignoring ingress {ingress.Namespace}/{ingress.Name}: no class and no default IngressClass of controller {Controller}";
    }

    /// <summary>True when <paramref name="ingress"/> is served by this controller.</summary>
    public bool Serves(Api.Networking.Ingress ingress, IReadOnlyCollection<IngressClass> classes) => Reject(ingress, classes) is null;

    /// <summary>True when the IngressClass is marked default (<c>ingressclass.kubernetes.io/is-default-class: "true"</c>).</summary>
    public static bool IsDefault(IngressClass ic) =>
        ic.Metadata.Annotations.TryGetValue(IngressClass.IsDefaultClassAnnotation, out var v) && string.Equals(v, "true", StringComparison.OrdinalIgnoreCase);
}
