namespace Podnet.Cluster.Api.Meta;

/// <summary>
/// An object of a kind the registry knows but Podnet does not model (ServiceAccount, RBAC objects,
/// PersistentVolumeClaim, ...): like Kubernetes' <c>unstructured.Unstructured</c>, everything but
/// apiVersion, kind and metadata lives in <see cref="KubeObject.Unmodeled"/> and is stored and printed back unchanged.
/// </summary>
public sealed record GenericObject : KubeObject;
