using System.Text;
using Podnet.Cluster.Api.Core;

namespace Podnet.Cluster.Kubelet;

/// <summary>The <c>/etc/hosts</c> the kubelet writes for a pod (<c>ensureHostsFile</c>/<c>managedHostsFileContent</c>).</summary>
public static class EtcHosts
{
    /// <summary>The file for <paramref name="pod"/> with IP <paramref name="podIp"/>; hostNetwork pods get the node's file under a different header.</summary>
    public static string For(Pod pod, string podIp, string clusterDomain, string? nodeHosts = null)
    {
        var sb = new StringBuilder();
        if (pod.Spec.HostNetwork == true)
        {
            sb.Append("# Kubernetes-managed hosts file (host network).\n");
            sb.Append(nodeHosts ?? "");
            return sb.ToString();
        }
        sb.Append("# Kubernetes-managed hosts file.\n");
        sb.Append("127.0.0.1\tlocalhost\n");
        sb.Append("::1\tlocalhost ip6-localhost ip6-loopback\n");
        sb.Append("fe00::0\tip6-localnet\n");
        sb.Append("fe00::0\tip6-mcastprefix\n");
        sb.Append("fe00::1\tip6-allnodes\n");
        sb.Append("fe00::2\tip6-allrouters\n");
        var hostname = pod.Spec.Hostname ?? pod.Name;
        if (pod.Spec.Subdomain is { Length: > 0 } sub)
            sb.Append(podIp).Append('\t').Append(hostname).Append('.').Append(sub).Append('.').Append(pod.Namespace).Append(".svc.").Append(clusterDomain).Append('\t').Append(hostname).Append('\n');
        else
            sb.Append(podIp).Append('\t').Append(hostname).Append('\n');
        return sb.ToString();
    }

    /// <summary>Looks <paramref name="name"/> up in a hosts file (first IPv4 match), as glibc's files backend does.</summary>
    public static string? Lookup(string hosts, string name)
    {
        foreach (var raw in hosts.Split('\n'))
        {
            var f = raw.Split('#')[0].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 2 || f[0].Contains(':', StringComparison.Ordinal)) continue;
            if (f.Skip(1).Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase))) return f[0];
        }
        return null;
    }
}
