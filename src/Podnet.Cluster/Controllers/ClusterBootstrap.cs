using System.Globalization;
using Podnet.Cluster.Api.Apps;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Defaulting;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// The objects of a freshly created cluster, as <c>kind create cluster</c> (kubeadm) leaves them
/// (DESIGN.md §6): nodes with addresses, pod CIDRs, the control-plane taint and kind-like node info;
/// the four system namespaces; the <c>kubernetes</c> Service with its endpoints; kube-dns with the
/// CoreDNS Deployment and Corefile; the kube-proxy DaemonSet and its configuration; kubeadm's
/// <c>kubeadm-config</c> and flannel's <c>net-conf.json</c>, which hold the cluster's settings.
/// </summary>
public static class ClusterBootstrap
{
    /// <summary>CoreDNS image kubeadm deploys with Kubernetes 1.34.</summary>
    public const string CoreDnsImage = "registry.k8s.io/coredns/coredns:v1.12.1";

    /// <summary>The label every namespace carries with its own name.</summary>
    public const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    /// <summary>The control-plane role label and taint key.</summary>
    public const string ControlPlaneRole = "node-role.kubernetes.io/control-plane";

    /// <summary>The apiserver's secure port, the target of the <c>kubernetes</c> Service.</summary>
    public const int ApiServerPort = 6443;

    /// <summary>All objects of a new cluster with <paramref name="config"/>, created at <paramref name="now"/>.</summary>
    public static IReadOnlyList<KubeObject> Objects(ClusterConfig config, DateTimeOffset now)
    {
        var error = config.Validate();
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(config));
        }
        var list = new List<KubeObject>();
        foreach (var ns in new[] { "default", "kube-node-lease", "kube-public", "kube-system" })
        {
            list.Add(NamespaceObject(ns, now));
        }
        var nodes = Nodes(config, now);
        list.AddRange(nodes);
        var apiServerIp = NodeInternalIp(nodes[0])!;
        list.AddRange(KubernetesService(config, apiServerIp, now));
        list.Add(KubeDnsService(config, now));
        list.Add(CoreDnsConfigMap(config, now));
        list.Add(CoreDnsDeployment(now));
        list.Add(KubeProxyConfigMap(config, now));
        list.Add(KubeProxyDaemonSet(config, now));
        list.Add(KubeadmConfigMap(config, now));
        list.Add(FlannelConfigMap(config, now));
        // stored as the apiserver would store them: defaulted (so a template's hash is the same before and after the store)
        return list.Select(o => ObjectIdentity.WithUid(ObjectDefaulter.Default(o))).ToList();
    }

    /// <summary>A namespace as the apiserver creates it (finalizer <c>kubernetes</c>, phase Active, name label).</summary>
    public static Namespace NamespaceObject(string name, DateTimeOffset now) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            CreationTimestamp = now,
            Labels = new Dictionary<string, string> { [NamespaceNameLabel] = name },
        },
        Spec = new NamespaceSpec { Finalizers = ["kubernetes"] },
        Status = new NamespaceStatus { Phase = "Active" },
    };

    /// <summary>The nodes: control plane first, then workers, IPs from .2 of the node network.</summary>
    public static IReadOnlyList<Node> Nodes(ClusterConfig config, DateTimeOffset now)
    {
        var nodeNet = Ipv4Cidr.Parse(config.NodeNetwork);
        var podNet = Ipv4Cidr.Parse(config.PodCidr);
        var names = config.NodeNames();
        var nodes = new List<Node>();
        for (int i = 0; i < names.Count; i++)
        {
            nodes.Add(NodeObject(config, names[i], i == 0, Ipv4Cidr.FormatAddress(nodeNet.At(2 + i)),
                podNet.Subnet(config.NodeCidrMaskSize, i).ToString(), now));
        }
        return nodes;
    }

    /// <summary>One node as kind's kubelet registers it.</summary>
    public static Node NodeObject(ClusterConfig config, string name, bool controlPlane, string ip, string podCidr, DateTimeOffset now)
    {
        var labels = new Dictionary<string, string>
        {
            ["beta.kubernetes.io/arch"] = "amd64",
            ["beta.kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
            ["kubernetes.io/hostname"] = name,
            ["kubernetes.io/os"] = "linux",
        };
        if (controlPlane)
        {
            labels[ControlPlaneRole] = "";
            labels["node.kubernetes.io/exclude-from-external-load-balancers"] = "";
        }
        var conditions = new List<Condition>
        {
            NodeCondition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", now),
            NodeCondition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", now),
            NodeCondition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", now),
            NodeCondition("Ready", "True", "KubeletReady", "kubelet is posting ready status", now),
        };
        var resources = new Dictionary<string, string>
        {
            ["cpu"] = "8",
            ["ephemeral-storage"] = "102626232Ki",
            ["hugepages-1Gi"] = "0",
            ["hugepages-2Mi"] = "0",
            ["memory"] = "16351432Ki",
            ["pods"] = config.MaxPodsPerNode.ToString(CultureInfo.InvariantCulture),
        };
        return new Node
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                CreationTimestamp = now,
                Labels = labels,
                Annotations = new Dictionary<string, string>
                {
                    ["kubeadm.alpha.kubernetes.io/cri-socket"] = "unix:///run/containerd/containerd.sock",
                    ["node.alpha.kubernetes.io/ttl"] = "0",
                    ["volumes.kubernetes.io/controller-managed-attach-detach"] = "true",
                },
            },
            Spec = new NodeSpec
            {
                PodCIDR = podCidr,
                PodCIDRs = [podCidr],
                ProviderID = $"kind://docker/{config.Name}/{name}",
                Taints = controlPlane ? [new Taint { Key = ControlPlaneRole, Effect = "NoSchedule" }] : [],
            },
            Status = new NodeStatus
            {
                Addresses = [new NodeAddress { Type = "InternalIP", Address = ip }, new NodeAddress { Type = "Hostname", Address = name }],
                Capacity = resources,
                Allocatable = resources,
                Conditions = conditions,
                NodeInfo = new NodeSystemInfo
                {
                    Architecture = "amd64",
                    BootID = ObjectIdentity.Uid("boot", "", name),
                    ContainerRuntimeVersion = "containerd://2.1.3",
                    KernelVersion = "6.8.0-podnet",
                    KubeProxyVersion = "",
                    KubeletVersion = config.KubernetesVersion,
                    MachineID = ObjectIdentity.Uid("machine", "", name).Replace("-", "", StringComparison.Ordinal),
                    OperatingSystem = "linux",
                    OsImage = "Debian GNU/Linux 12 (bookworm)",
                    SystemUUID = ObjectIdentity.Uid("system", "", name),
                },
            },
        };
    }

    private static Condition NodeCondition(string type, string status, string reason, string message, DateTimeOffset now) => new()
    {
        Type = type,
        Status = status,
        Reason = reason,
        Message = message,
        LastHeartbeatTime = now,
        LastTransitionTime = now,
    };

    /// <summary>The node's InternalIP address, or null.</summary>
    public static string? NodeInternalIp(Node node) =>
        node.Status?.Addresses.FirstOrDefault(a => a.Type == "InternalIP")?.Address;

    private static IEnumerable<KubeObject> KubernetesService(ClusterConfig config, string apiServerIp, DateTimeOffset now)
    {
        var svcNet = Ipv4Cidr.Parse(config.ServiceCidr);
        var ip = Ipv4Cidr.FormatAddress(svcNet.At(1));
        yield return new Service
        {
            Metadata = new ObjectMeta
            {
                Name = "kubernetes",
                Namespace = "default",
                CreationTimestamp = now,
                Labels = new Dictionary<string, string> { ["component"] = "apiserver", ["provider"] = "kubernetes" },
            },
            Spec = new ServiceSpec
            {
                ClusterIP = ip,
                ClusterIPs = [ip],
                InternalTrafficPolicy = "Cluster",
                IpFamilies = ["IPv4"],
                IpFamilyPolicy = "SingleStack",
                Ports = [new ServicePort { Name = "https", Port = 443, Protocol = "TCP", TargetPort = IntOrString.FromInt(ApiServerPort) }],
                SessionAffinity = "None",
                Type = "ClusterIP",
            },
            Status = new ServiceStatus { LoadBalancer = new LoadBalancerStatus() },
        };
        yield return new Endpoints
        {
            Metadata = new ObjectMeta
            {
                Name = "kubernetes",
                Namespace = "default",
                CreationTimestamp = now,
                Labels = new Dictionary<string, string> { ["endpointslice.kubernetes.io/skip-mirror"] = "true" },
            },
            Subsets = [new EndpointSubset
            {
                Addresses = [new EndpointAddress { Ip = apiServerIp }],
                Ports = [new EndpointPort { Name = "https", Port = ApiServerPort, Protocol = "TCP" }],
            }],
        };
        yield return new EndpointSlice
        {
            Metadata = new ObjectMeta
            {
                Name = "kubernetes",
                Namespace = "default",
                CreationTimestamp = now,
                Labels = new Dictionary<string, string> { [EndpointSlice.ServiceNameLabel] = "kubernetes" },
            },
            AddressType = "IPv4",
            Endpoints = [new Endpoint { Addresses = [apiServerIp], Conditions = new EndpointConditions { Ready = true } }],
            Ports = [new EndpointPort { Name = "https", Port = ApiServerPort, Protocol = "TCP" }],
        };
    }

    private static Service KubeDnsService(ClusterConfig config, DateTimeOffset now)
    {
        var svcNet = Ipv4Cidr.Parse(config.ServiceCidr);
        var ip = Ipv4Cidr.FormatAddress(svcNet.At(10));
        return new Service
        {
            Metadata = new ObjectMeta
            {
                Name = "kube-dns",
                Namespace = "kube-system",
                CreationTimestamp = now,
                Labels = new Dictionary<string, string>
                {
                    ["k8s-app"] = "kube-dns",
                    ["kubernetes.io/cluster-service"] = "true",
                    ["kubernetes.io/name"] = "CoreDNS",
                },
                Annotations = new Dictionary<string, string> { ["prometheus.io/port"] = "9153", ["prometheus.io/scrape"] = "true" },
            },
            Spec = new ServiceSpec
            {
                ClusterIP = ip,
                ClusterIPs = [ip],
                InternalTrafficPolicy = "Cluster",
                IpFamilies = ["IPv4"],
                IpFamilyPolicy = "SingleStack",
                Ports =
                [
                    new ServicePort { Name = "dns", Port = 53, Protocol = "UDP", TargetPort = IntOrString.FromInt(53) },
                    new ServicePort { Name = "dns-tcp", Port = 53, Protocol = "TCP", TargetPort = IntOrString.FromInt(53) },
                    new ServicePort { Name = "metrics", Port = 9153, Protocol = "TCP", TargetPort = IntOrString.FromInt(9153) },
                ],
                Selector = new Dictionary<string, string> { ["k8s-app"] = "kube-dns" },
                SessionAffinity = "None",
                Type = "ClusterIP",
            },
            Status = new ServiceStatus { LoadBalancer = new LoadBalancerStatus() },
        };
    }

    /// <summary>kubeadm's Corefile for <paramref name="clusterDomain"/>.</summary>
    public static string Corefile(string clusterDomain) =>
        ".:53 {\n" +
        "    errors\n" +
        "    health {\n" +
        "       lameduck 5s\n" +
        "    }\n" +
        "    ready\n" +
        $"    kubernetes {clusterDomain} in-addr.arpa ip6.arpa {{\n" +
        "       pods insecure\n" +
        "       fallthrough in-addr.arpa ip6.arpa\n" +
        "       ttl 30\n" +
        "    }\n" +
        "    prometheus :9153\n" +
        "    forward . /etc/resolv.conf {\n" +
        "       max_concurrent 1000\n" +
        "    }\n" +
        "    cache 30 {\n" +
        $"       disable success {clusterDomain}\n" +
        $"       disable denial {clusterDomain}\n" +
        "    }\n" +
        "    loop\n" +
        "    reload\n" +
        "    loadbalance\n" +
        "}\n";

    private static ConfigMap CoreDnsConfigMap(ClusterConfig config, DateTimeOffset now) => new()
    {
        Metadata = new ObjectMeta { Name = "coredns", Namespace = "kube-system", CreationTimestamp = now },
        Data = new Dictionary<string, string> { ["Corefile"] = Corefile(config.ClusterDomain) },
    };

    private static Deployment CoreDnsDeployment(DateTimeOffset now)
    {
        var labels = new Dictionary<string, string> { ["k8s-app"] = "kube-dns" };
        return new Deployment
        {
            Metadata = new ObjectMeta
            {
                Name = "coredns",
                Namespace = "kube-system",
                CreationTimestamp = now,
                Labels = labels,
                Generation = 1,
            },
            Spec = new DeploymentSpec
            {
                Replicas = 2,
                Selector = new LabelSelector { MatchLabels = labels },
                Strategy = new DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new RollingUpdateParameters { MaxSurge = IntOrString.FromString("25%"), MaxUnavailable = IntOrString.FromInt(1) },
                },
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = labels },
                    Spec = new PodSpec
                    {
                        Containers =
                        [
                            new Container
                            {
                                Name = "coredns",
                                Image = CoreDnsImage,
                                ImagePullPolicy = "IfNotPresent",
                                Args = ["-conf", "/etc/coredns/Corefile"],
                                Ports =
                                [
                                    new ContainerPort { Name = "dns", ContainerPortNumber = 53, Protocol = "UDP" },
                                    new ContainerPort { Name = "dns-tcp", ContainerPortNumber = 53, Protocol = "TCP" },
                                    new ContainerPort { Name = "metrics", ContainerPortNumber = 9153, Protocol = "TCP" },
                                ],
                                LivenessProbe = new Probe
                                {
                                    HttpGet = new HttpGetAction { Path = "/health", Port = IntOrString.FromInt(8080), Scheme = "HTTP" },
                                    InitialDelaySeconds = 60, TimeoutSeconds = 5, PeriodSeconds = 10, SuccessThreshold = 1, FailureThreshold = 5,
                                },
                                ReadinessProbe = new Probe
                                {
                                    HttpGet = new HttpGetAction { Path = "/ready", Port = IntOrString.FromInt(8181), Scheme = "HTTP" },
                                    TimeoutSeconds = 1, PeriodSeconds = 10, SuccessThreshold = 1, FailureThreshold = 3,
                                },
                            },
                        ],
                        DnsPolicy = "Default",
                        RestartPolicy = "Always",
                        ServiceAccountName = "coredns",
                        NodeSelector = new Dictionary<string, string> { ["kubernetes.io/os"] = "linux" },
                        Tolerations =
                        [
                            new Toleration { Key = "CriticalAddonsOnly", Operator = "Exists" },
                            new Toleration { Key = ControlPlaneRole, Effect = "NoSchedule" },
                        ],
                    },
                },
            },
        };
    }

    /// <summary>kube-proxy's <c>config.conf</c> (KubeProxyConfiguration) with the cluster's mode and CIDR.</summary>
    public static string KubeProxyConfiguration(ClusterConfig config) =>
        "apiVersion: kubeproxy.config.k8s.io/v1alpha1\n" +
        "bindAddress: 0.0.0.0\n" +
        $"clusterCIDR: {config.PodCidr}\n" +
        "conntrack:\n" +
        "  maxPerCore: 0\n" +
        "  tcpCloseWaitTimeout: 1h0m0s\n" +
        "  tcpEstablishedTimeout: 24h0m0s\n" +
        "iptables:\n" +
        "  masqueradeAll: false\n" +
        "  masqueradeBit: 14\n" +
        "  minSyncPeriod: 1s\n" +
        "  syncPeriod: 30s\n" +
        "ipvs:\n" +
        "  scheduler: \"\"\n" +
        "kind: KubeProxyConfiguration\n" +
        $"mode: {config.ProxyMode}\n" +
        "nodePortAddresses: null\n";

    private static ConfigMap KubeProxyConfigMap(ClusterConfig config, DateTimeOffset now) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = "kube-proxy",
            Namespace = "kube-system",
            CreationTimestamp = now,
            Labels = new Dictionary<string, string> { ["app"] = "kube-proxy" },
        },
        Data = new Dictionary<string, string> { ["config.conf"] = KubeProxyConfiguration(config) },
    };

    private static DaemonSet KubeProxyDaemonSet(ClusterConfig config, DateTimeOffset now)
    {
        var labels = new Dictionary<string, string> { ["k8s-app"] = "kube-proxy" };
        return new DaemonSet
        {
            Metadata = new ObjectMeta { Name = "kube-proxy", Namespace = "kube-system", CreationTimestamp = now, Labels = labels, Generation = 1 },
            Spec = new DaemonSetSpec
            {
                Selector = new LabelSelector { MatchLabels = labels },
                UpdateStrategy = new WorkloadUpdateStrategy { Type = "RollingUpdate" },
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = labels },
                    Spec = new PodSpec
                    {
                        Containers =
                        [
                            new Container
                            {
                                Name = "kube-proxy",
                                Image = "registry.k8s.io/kube-proxy:" + config.KubernetesVersion,
                                ImagePullPolicy = "IfNotPresent",
                                Command = ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"],
                                Env = [new EnvVar { Name = "NODE_NAME" }],
                            },
                        ],
                        DnsPolicy = "ClusterFirst",
                        HostNetwork = true,
                        RestartPolicy = "Always",
                        ServiceAccountName = "kube-proxy",
                        NodeSelector = new Dictionary<string, string> { ["kubernetes.io/os"] = "linux" },
                        Tolerations = [new Toleration { Operator = "Exists" }],
                    },
                },
            },
        };
    }

    /// <summary>kubeadm's ClusterConfiguration text (networking section) as stored in <c>kubeadm-config</c>.</summary>
    public static string KubeadmClusterConfiguration(ClusterConfig config) =>
        "apiServer: {}\n" +
        "apiVersion: kubeadm.k8s.io/v1beta4\n" +
        $"clusterName: {config.Name}\n" +
        $"controlPlaneEndpoint: {config.Name}-control-plane:{ApiServerPort}\n" +
        "kind: ClusterConfiguration\n" +
        $"kubernetesVersion: {config.KubernetesVersion}\n" +
        "networking:\n" +
        $"  dnsDomain: {config.ClusterDomain}\n" +
        $"  podSubnet: {config.PodCidr}\n" +
        $"  serviceSubnet: {config.ServiceCidr}\n";

    private static ConfigMap KubeadmConfigMap(ClusterConfig config, DateTimeOffset now) => new()
    {
        Metadata = new ObjectMeta { Name = "kubeadm-config", Namespace = "kube-system", CreationTimestamp = now },
        Data = new Dictionary<string, string> { ["ClusterConfiguration"] = KubeadmClusterConfiguration(config) },
    };

    /// <summary>flannel's <c>net-conf.json</c>: the pod network and the backend (<c>host-gw</c> or <c>vxlan</c>).</summary>
    public static string FlannelNetConf(ClusterConfig config) =>
        "{\n" +
        $"  \"Network\": \"{config.PodCidr}\",\n" +
        "  \"Backend\": {\n" +
        $"    \"Type\": \"{config.Overlay}\"" + (config.Overlay == "vxlan" ? ",\n    \"VNI\": 1,\n    \"Port\": 8472\n" : "\n") +
        "  }\n" +
        "}\n";

    private static ConfigMap FlannelConfigMap(ClusterConfig config, DateTimeOffset now) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = "kube-flannel-cfg",
            Namespace = "kube-system",
            CreationTimestamp = now,
            Labels = new Dictionary<string, string> { ["app"] = "flannel", ["tier"] = "node" },
        },
        Data = new Dictionary<string, string> { ["net-conf.json"] = FlannelNetConf(config) },
    };

    /// <summary>
    /// Reads a cluster's settings back from its objects (kubeadm-config, kube-proxy and flannel
    /// ConfigMaps, and the nodes), so that the settings live in the cluster like in a real one.
    /// </summary>
    public static ClusterConfig ReadConfig(ObjectSet objects)
    {
        var config = new ClusterConfig();
        var kubeadm = objects.Get<ConfigMap>("ConfigMap", "kube-system", "kubeadm-config");
        if (kubeadm?.Data.GetValueOrDefault("ClusterConfiguration") is { } cc)
        {
            config = config with
            {
                Name = YamlScalar(cc, "clusterName") ?? config.Name,
                PodCidr = YamlScalar(cc, "  podSubnet") ?? config.PodCidr,
                ServiceCidr = YamlScalar(cc, "  serviceSubnet") ?? config.ServiceCidr,
                ClusterDomain = YamlScalar(cc, "  dnsDomain") ?? config.ClusterDomain,
                KubernetesVersion = YamlScalar(cc, "kubernetesVersion") ?? config.KubernetesVersion,
            };
        }
        var proxy = objects.Get<ConfigMap>("ConfigMap", "kube-system", "kube-proxy");
        if (proxy?.Data.GetValueOrDefault("config.conf") is { } pc && YamlScalar(pc, "mode") is { Length: > 0 } mode)
        {
            config = config with { ProxyMode = mode };
        }
        var flannel = objects.Get<ConfigMap>("ConfigMap", "kube-system", "kube-flannel-cfg");
        if (flannel?.Data.GetValueOrDefault("net-conf.json") is { } nc)
        {
            config = config with { Overlay = nc.Contains("\"vxlan\"", StringComparison.Ordinal) ? "vxlan" : "host-gw" };
        }
        var workers = objects.Unordered("Node").Count(n => !n.Metadata.Labels.ContainsKey(ControlPlaneRole));
        return config with { Workers = workers };
    }

    private static string? YamlScalar(string text, string key)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(key + ": ", StringComparison.Ordinal))
            {
                return line[(key.Length + 2)..].Trim();
            }
        }
        return null;
    }
}
