using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Dns.CoreDns;
using Podnet.Cluster.Images.Programs;

namespace Podnet.Cluster.Images;

/// <summary>
/// The emulated images: which program a container runs, chosen by image name (registry and tag
/// stripped) and, for agnhost, by its first argument (the subcommand), as the real entrypoints do.
/// </summary>
public static class ImageCatalog
{
    /// <summary>The image's repository name without registry, tag or digest: <c>registry.k8s.io/e2e-test-images/agnhost:2.52</c> → <c>e2e-test-images/agnhost</c>.</summary>
    public static string Repository(string image)
    {
        var s = image.Split('@')[0];
        var slash = s.LastIndexOf('/');
        var colon = s.LastIndexOf(':');
        if (colon > slash) s = s[..colon];
        var parts = s.Split('/');
        if (parts.Length > 1 && (parts[0].Contains('.', StringComparison.Ordinal) || parts[0].Contains(':', StringComparison.Ordinal) || parts[0] == "localhost")) parts = parts[1..];
        if (parts.Length == 2 && parts[0] == "library") parts = parts[1..];
        return string.Join('/', parts);
    }

    /// <summary>The short name (last path element of the repository).</summary>
    public static string ShortName(string image) => Repository(image).Split('/')[^1];

    /// <summary>True when the image is emulated by a dedicated program (not the generic server).</summary>
    public static bool IsKnown(string image) => ShortName(image) is "nginx" or "agnhost" or "redis" or "busybox" or "alpine" or "curl" or "netshoot"
        or "coredns" or "kube-proxy" or "flannel" or "kindnetd" or "pause" or "ubuntu" or "debian" || Ingresses.IngressNginxInstall.IsControllerImage(image);

    /// <summary>The resolver flavour of the image's libc (musl for alpine/busybox-musl based images, glibc otherwise).</summary>
    public static global::Podnet.Cluster.Dns.Resolver.ResolverFlavor Libc(string image) => ShortName(image) switch
    {
        "alpine" or "busybox" or "curl" or "nginx" when image.Contains("alpine", StringComparison.Ordinal) => global::Podnet.Cluster.Dns.Resolver.ResolverFlavor.Musl,
        "alpine" or "busybox" or "curl" => global::Podnet.Cluster.Dns.Resolver.ResolverFlavor.Musl,
        "agnhost" or "coredns" => global::Podnet.Cluster.Dns.Resolver.ResolverFlavor.Go,
        _ => global::Podnet.Cluster.Dns.Resolver.ResolverFlavor.Glibc,
    };

    /// <summary>
    /// The program for <paramref name="container"/>; <paramref name="dnsView"/> and <paramref name="corefile"/> serve the coredns image,
    /// <paramref name="objects"/> (the cluster's objects, as a controller's informers see them) the ingress-nginx controller image.
    /// </summary>
    public static ContainerProgram Resolve(Container container, Func<DnsClusterView> dnsView, string corefile, Func<IReadOnlyList<Api.Meta.KubeObject>>? objects = null)
    {
        var image = container.Image ?? "";
        var argv = container.Command.Concat(container.Args).ToList();
        if (Ingresses.IngressNginxInstall.IsControllerImage(image)) return new IngressNginxProgram(objects ?? (() => []), Tls.IngressTlsTermination.Seam);
        switch (ShortName(image))
        {
            case "nginx":
                return new NginxProgram(TagOf(image) is { } t && char.IsDigit(t[0]) ? t : "1.27.3");
            case "redis":
                return new RedisProgram();
            case "agnhost":
            {
                var args = argv.SkipWhile(a => a.EndsWith("agnhost", StringComparison.Ordinal)).ToList();
                return new AgnhostProgram(args.FirstOrDefault() ?? "pause", args.Skip(1).ToList());
            }
            case "pause":
                return new IdleProgram("pause");
            case "coredns":
                return new CoreDnsProgram(corefile, dnsView);
            case "kube-proxy" or "flannel" or "kindnetd":
                return new IdleProgram(ShortName(image), $"podnet: the {ShortName(image)} node agent is realized by Podnet's node components (rules written into the node's netfilter)");
            case "busybox" or "alpine" or "curl" or "netshoot" or "ubuntu" or "debian":
                return container.Ports.Count > 0 ? new GenericServerProgram(image) : new IdleProgram(argv.FirstOrDefault() ?? "sh");
            default:
                return new GenericServerProgram(image);
        }
    }

    private static string? TagOf(string image)
    {
        var s = image.Split('@')[0];
        var slash = s.LastIndexOf('/');
        var colon = s.LastIndexOf(':');
        return colon > slash ? s[(colon + 1)..] : null;
    }
}
