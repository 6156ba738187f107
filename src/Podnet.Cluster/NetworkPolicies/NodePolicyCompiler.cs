using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Podnet.Cluster.NetworkPolicies;

/// <summary>
/// The NetworkPolicy agent's rule compiler for one node (like a CNI's policy controller, e.g.
/// kube-router's): from the policies that select the node's pods it writes iptables filter chains that
/// use ipsets for peers. Per packet in FORWARD: RELATED/ESTABLISHED is accepted first (replies of allowed
/// connections), marks are cleared, a packet from an egress-isolated local pod walks that pod's egress chain
/// and a packet to an ingress-isolated local pod walks its ingress chain; each chain jumps to one chain per
/// selecting policy, whose rules (commented with the policy and the rule index) set an "allowed" mark, and
/// the pod chain DROPs what no rule marked, so a denied TCP connection times out. Policy chains and peer
/// sets are cached per policy: when only policies change, only the changed ones are recompiled.
/// </summary>
public sealed class NodePolicyCompiler
{
    /// <summary>Mark bit set when some egress rule allowed the packet.</summary>
    public const string EgressMark = "0x10000/0x10000";

    /// <summary>Mark bit set when some ingress rule allowed the packet.</summary>
    public const string IngressMark = "0x20000/0x20000";

    private const string BothMarks = "0x0/0x30000";
    private readonly string nodeName;
    private readonly Dictionary<PolicyInfo, Fragment> cache = new(ReferenceEqualityComparer.Instance);
    private object? cachedPods;
    private object? cachedNamespaces;
    private Dictionary<string, string> previousChains = new(StringComparer.Ordinal);
    private HashSet<Fragment> previousFragments = new(ReferenceEqualityComparer.Instance);
    private HashSet<string> previousSets = new(StringComparer.Ordinal);

    /// <summary>Creates a compiler for the node <paramref name="nodeName"/>.</summary>
    public NodePolicyCompiler(string nodeName) => this.nodeName = nodeName;

    /// <summary>Number of policy fragments recompiled by the last <see cref="Compile"/> (the rest came from the cache).</summary>
    public int LastRecompiledPolicies { get; private set; }

    /// <summary>
    /// Compiles the node's rules. Passing the same <paramref name="pods"/> and <paramref name="namespaces"/>
    /// instances as the previous call tells the compiler that only policies may have changed.
    /// </summary>
    public CompiledNodeRules Compile(IReadOnlyDictionary<string, NamespaceInfo> namespaces, IReadOnlyList<PodInfo> pods, IReadOnlyList<PolicyInfo> policies)
    {
        if (!ReferenceEquals(pods, cachedPods) || !ReferenceEquals(namespaces, cachedNamespaces))
        {
            cache.Clear();
            cachedPods = pods;
            cachedNamespaces = namespaces;
        }

        var local = pods.Where(p => p.NodeName == nodeName && !p.HostNetwork && p.Ip != null).OrderBy(p => p.FullName, StringComparer.Ordinal).ToList();
        var alive = new HashSet<PolicyInfo>(ReferenceEqualityComparer.Instance);
        LastRecompiledPolicies = 0;
        var ingressOf = new Dictionary<PodInfo, List<Fragment>>(ReferenceEqualityComparer.Instance);
        var egressOf = new Dictionary<PodInfo, List<Fragment>>(ReferenceEqualityComparer.Instance);
        var byNamespace = local.GroupBy(p => p.Namespace).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var used = new List<Fragment>();
        foreach (var policy in policies.OrderBy(p => p.FullName, StringComparer.Ordinal))
        {
            if (!byNamespace.TryGetValue(policy.Namespace, out var candidates))
            {
                continue;
            }

            // A cached fragment of the same policy object was compiled against the same pods: its selection still holds.
            var cachedFrag = cache.GetValueOrDefault(policy);
            var selected = cachedFrag?.Selected ?? candidates.Where(p => policy.PodSelector.Matches(p.Labels)).ToList();
            if (selected.Count == 0)
            {
                continue;
            }

            alive.Add(policy);
            if (cachedFrag is not { } frag)
            {
                frag = CompilePolicy(policy, selected, namespaces, pods);
                cache[policy] = frag;
                LastRecompiledPolicies++;
            }

            used.Add(frag);
            foreach (var pod in selected)
            {
                if (policy.AffectsIngress)
                {
                    (ingressOf.TryGetValue(pod, out var l) ? l : ingressOf[pod] = []).Add(frag);
                }

                if (policy.AffectsEgress)
                {
                    (egressOf.TryGetValue(pod, out var l) ? l : egressOf[pod] = []).Add(frag);
                }
            }
        }

        foreach (var gone in cache.Keys.Where(k => !alive.Contains(k)).ToList())
        {
            cache.Remove(gone);
        }

        // Every chain's text, in load order: the top chain, pod chains, policy chains.
        var chainTexts = new List<(string Name, string Text)>();
        var top = new StringBuilder();
        top.Append("-A ").Append(CompiledNodeRules.TopChain).Append(" -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment \"replies of allowed connections\" -j ACCEPT\n");
        top.Append("-A ").Append(CompiledNodeRules.TopChain).Append(" -j MARK --set-xmark ").Append(BothMarks).Append('\n');
        var podChains = new List<(string Name, string Text)>();
        var chain = new StringBuilder();
        foreach (var pod in local)
        {
            var ip = Ipv4Range.FormatAddress(pod.Ip!.Value) + "/32";
            foreach (var (ingress, frags) in new[] { (false, egressOf.GetValueOrDefault(pod)), (true, ingressOf.GetValueOrDefault(pod)) })
            {
                if (frags == null)
                {
                    continue;
                }

                var name = (ingress ? "PODNET-IN-" : "PODNET-EG-") + Hash(pod.FullName);
                top.Append("-A ").Append(CompiledNodeRules.TopChain).Append(ingress ? " -d " : " -s ").Append(ip)
                    .Append(Comment($"{pod.FullName} {(ingress ? "ingress" : "egress")}")).Append(" -j ").Append(name).Append('\n');
                chain.Clear();
                foreach (var f in frags)
                {
                    chain.Append("-A ").Append(name).Append(" -j ").Append(ingress ? f.IngressChain : f.EgressChain).Append('\n');
                }

                chain.Append("-A ").Append(name).Append(" -m mark ! --mark ").Append(ingress ? IngressMark : EgressMark)
                    .Append(Comment(ingress ? $"drop: no NetworkPolicy allows ingress to {pod.FullName}" : $"drop: no NetworkPolicy allows egress from {pod.FullName}")).Append(" -j DROP\n");
                podChains.Add((name, chain.ToString()));
            }
        }

        chainTexts.Add((CompiledNodeRules.TopChain, top.ToString()));
        chainTexts.AddRange(podChains);
        var setNames = new HashSet<string>(StringComparer.Ordinal);
        var newFragments = new List<Fragment>();
        foreach (var f in used)
        {
            if (f.Policy.AffectsIngress)
            {
                chainTexts.Add((f.IngressChain, f.IngressRules));
            }

            if (f.Policy.AffectsEgress)
            {
                chainTexts.Add((f.EgressChain, f.EgressRules));
            }

            foreach (var (name, _) in f.Sets)
            {
                setNames.Add(name);
            }

            if (!previousFragments.Contains(f))
            {
                newFragments.Add(f);
            }
        }

        var chainNames = new HashSet<string>(chainTexts.Select(c => c.Name), StringComparer.Ordinal);
        var removed = previousChains.Keys.Where(c => !chainNames.Contains(c)).Order(StringComparer.Ordinal).ToList();
        var changed = chainTexts.Where(c => !previousChains.TryGetValue(c.Name, out var old) || !(ReferenceEquals(old, c.Text) || old == c.Text)).ToList();
        var stale = previousSets.Where(x => !setNames.Contains(x)).Order(StringComparer.Ordinal).ToList();

        string Restore(List<(string Name, string Text)> list, IReadOnlyList<string> delete)
        {
            var text = new StringBuilder("*filter\n");
            foreach (var (name, _) in list)
            {
                text.Append(':').Append(name).Append(" - [0:0]\n");
            }

            // Declaring a removed chain flushes it, so that -X below finds it empty.
            foreach (var old in delete)
            {
                text.Append(':').Append(old).Append(" - [0:0]\n");
            }

            foreach (var (_, rules) in list)
            {
                text.Append(rules);
            }

            foreach (var old in delete)
            {
                text.Append("-X ").Append(old).Append('\n');
            }

            return text.Append("COMMIT\n").ToString();
        }

        var fullSets = used.ToList();
        var delta = new CompiledNodeRules(
            () => string.Concat(fullSets.Select(f => f.SetsText)),
            () => Restore(chainTexts, removed),
            string.Concat(newFragments.Select(f => f.SetsText)),
            Restore(changed, removed),
            $"-A FORWARD{Comment("podnet NetworkPolicy enforcement")} -j {CompiledNodeRules.TopChain}",
            stale);
        previousChains = chainTexts.ToDictionary(c => c.Name, c => c.Text, StringComparer.Ordinal);
        previousSets = setNames;
        previousFragments = new HashSet<Fragment>(used, ReferenceEqualityComparer.Instance);
        return delta;
    }

    private static Fragment CompilePolicy(PolicyInfo policy, List<PodInfo> selected, IReadOnlyDictionary<string, NamespaceInfo> namespaces, IReadOnlyList<PodInfo> pods)
    {
        var h = Hash(policy.FullName);
        var frag = new Fragment(policy, selected, "PODNET-NP-I-" + h, "PODNET-NP-E-" + h);
        var sb = new StringBuilder();
        if (policy.AffectsIngress)
        {
            for (var i = 0; i < policy.Ingress.Count; i++)
            {
                EmitRule(sb, frag, policy, policy.Ingress[i], i + 1, PolicyDirectionText.Ingress, selected, namespaces, pods);
            }
        }

        frag.IngressRules = sb.ToString();
        sb.Clear();
        if (policy.AffectsEgress)
        {
            for (var i = 0; i < policy.Egress.Count; i++)
            {
                EmitRule(sb, frag, policy, policy.Egress[i], i + 1, PolicyDirectionText.Egress, selected, namespaces, pods);
            }
        }

        frag.EgressRules = sb.ToString();
        var sets = new StringBuilder();
        foreach (var (name, members) in frag.Sets)
        {
            sets.Append("create ").Append(name).Append(" hash:net family inet hashsize 1024 maxelem 65536 -exist\n");
            sets.Append("flush ").Append(name).Append('\n');
            foreach (var m in members)
            {
                sets.Append("add ").Append(name).Append(' ').Append(m).Append(" -exist\n");
            }
        }

        frag.SetsText = sets.ToString();
        return frag;
    }

    private enum PolicyDirectionText
    {
        Ingress,
        Egress,
    }

    private static void EmitRule(StringBuilder sb, Fragment frag, PolicyInfo policy, PolicyRuleInfo rule, int index, PolicyDirectionText dir,
        List<PodInfo> selected, IReadOnlyDictionary<string, NamespaceInfo> namespaces, IReadOnlyList<PodInfo> pods)
    {
        var ingress = dir == PolicyDirectionText.Ingress;
        var chain = ingress ? frag.IngressChain : frag.EgressChain;
        var mark = ingress ? IngressMark : EgressMark;
        var comment = Comment($"{policy.FullName} {(ingress ? "ingress" : "egress")} rule #{index}");
        var dirLetter = ingress ? "I" : "E";

        // Peer pods (by IP) and ipBlock CIDRs, as one hash:net set; omitted peers match everything.
        string? peerMatch = null;
        var peerPods = new List<PodInfo>();
        if (!rule.AllPeers)
        {
            var members = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var peer in rule.Peers!)
            {
                if (peer.IpBlock != null)
                {
                    foreach (var c in peer.IpBlock.ToCidrs())
                    {
                        // ipset's hash:net takes prefixes 1-32: 0.0.0.0/0 goes in as its two halves.
                        if (c == "0.0.0.0/0")
                        {
                            members.Add("0.0.0.0/1");
                            members.Add("128.0.0.0/1");
                        }
                        else
                        {
                            members.Add(c);
                        }
                    }

                    foreach (var p in pods)
                    {
                        if (p.Ip is { } ipb && peer.IpBlock.Contains(ipb))
                        {
                            peerPods.Add(p);
                        }
                    }

                    continue;
                }

                foreach (var p in pods)
                {
                    if (p.HostNetwork || p.Ip is null || !PeerSelects(peer, policy, p, namespaces))
                    {
                        continue;
                    }

                    peerPods.Add(p);
                    members.Add(Ipv4Range.FormatAddress(p.Ip.Value) + "/32");
                }
            }

            var setName = $"PODNET-{dirLetter}{index}-{Hash(policy.FullName)}";
            frag.Sets.Add((setName, members.ToList()));
            peerMatch = $" -m set --match-set {setName} {(ingress ? "src" : "dst")}";
        }
        else if (!ingress)
        {
            // no "to": every pod is a destination, and a named port resolves on each of them
            foreach (var p in pods)
            {
                if (!p.HostNetwork && p.Ip is not null)
                {
                    peerPods.Add(p);
                }
            }
        }

        void Line(string? extraMatch, string? portMatch)
        {
            sb.Append("-A ").Append(chain).Append(peerMatch).Append(extraMatch).Append(portMatch).Append(comment).Append(" -j MARK --set-xmark ").Append(mark).Append('\n');
        }

        if (rule.AllPorts)
        {
            Line(null, null);
            return;
        }

        foreach (var p in PolicyProtocols.All)
        {
            foreach (var r in rule.NumericPorts.Ranges(p))
            {
                Line(null, PortMatch(p, r));
            }
        }

        // Named ports resolve on the destination pod: group destinations by the port they resolve to.
        if (rule.NamedPorts.Count == 0)
        {
            return;
        }

        var destinations = ingress ? selected : peerPods;
        var groups = new SortedDictionary<string, (PolicyProtocol Protocol, int Port, SortedSet<string> Ips)>(StringComparer.Ordinal);
        foreach (var d in destinations)
        {
            foreach (var (name, proto) in rule.NamedPorts)
            {
                foreach (var cp in d.NamedPorts)
                {
                    if (cp.Name == name && cp.Protocol == proto && d.Ip is { } dip)
                    {
                        var key = PolicyProtocols.LowerName(proto) + "/" + cp.Port.ToString(CultureInfo.InvariantCulture);
                        if (!groups.TryGetValue(key, out var g))
                        {
                            groups[key] = g = (proto, cp.Port, new SortedSet<string>(StringComparer.Ordinal));
                        }

                        g.Ips.Add(Ipv4Range.FormatAddress(dip) + "/32");
                    }
                }
            }
        }

        var n = 0;
        foreach (var (_, g) in groups)
        {
            var setName = $"PODNET-{dirLetter}{index}N{n++}-{Hash(policy.FullName)}";
            frag.Sets.Add((setName, g.Ips.ToList()));
            Line($" -m set --match-set {setName} dst", PortMatch(g.Protocol, new PortRange(g.Port, g.Port)));
        }
    }

    private static bool PeerSelects(PolicyPeerInfo peer, PolicyInfo policy, PodInfo pod, IReadOnlyDictionary<string, NamespaceInfo> namespaces)
    {
        if (peer.NamespaceSelector == null)
        {
            if (pod.Namespace != policy.Namespace || peer.PodSelector == null)
            {
                return false;
            }
        }
        else if (!namespaces.TryGetValue(pod.Namespace, out var ns) || !peer.NamespaceSelector.Matches(ns.Labels))
        {
            return false;
        }

        return peer.PodSelector == null || peer.PodSelector.Matches(pod.Labels);
    }

    private static string PortMatch(PolicyProtocol p, PortRange r)
    {
        var name = PolicyProtocols.LowerName(p);
        if (r == PortRange.AllPorts)
        {
            return $" -p {name}";
        }

        var port = r.IsSingle ? r.Low.ToString(CultureInfo.InvariantCulture) : $"{r.Low}:{r.High}";
        return $" -p {name} -m {name} --dport {port}";
    }

    private static string Comment(string text) => " -m comment --comment \"" + text.Replace("\"", "'", StringComparison.Ordinal) + "\"";

    /// <summary>A short stable name part: the first 10 base32 characters of SHA-256 (as kube-proxy hashes chain names).</summary>
    internal static string Hash(string key)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        var sb = new StringBuilder(10);
        ulong acc = 0;
        for (var i = 0; i < 8; i++)
        {
            acc = (acc << 8) | bytes[i];
        }

        for (var i = 0; i < 10; i++)
        {
            sb.Append(alphabet[(int)((acc >> (59 - (5 * i))) & 31)]);
        }

        return sb.ToString();
    }

    private sealed class Fragment(PolicyInfo policy, List<PodInfo> selected, string ingressChain, string egressChain)
    {
        public PolicyInfo Policy { get; } = policy;

        public List<PodInfo> Selected { get; } = selected;

        public string IngressChain { get; } = ingressChain;

        public string EgressChain { get; } = egressChain;

        public List<(string Name, List<string> Members)> Sets { get; } = [];

        public string IngressRules { get; set; } = "";

        public string EgressRules { get; set; } = "";

        public string SetsText { get; set; } = "";
    }
}
