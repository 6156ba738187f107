namespace Podnet.Cluster.Cni;

/// <summary>What the overlay knows of another node (flannel reads it from the Node object): its name, InternalIP, pod CIDR and VTEP MAC.</summary>
public sealed record PeerNode(string Name, string NodeIp, string PodCidr, string VtepMac);
