using System.Numerics;
using System.Text;
using Podnet.Cluster.NetworkPolicies;

namespace Podnet.Analysis.NetworkPolicies;

/// <summary>
/// The fast connectivity analyzer: groups equivalent pods into <see cref="PodClass"/>es and external
/// addresses into ipBlock atoms, evaluates every selector once per class (not per pod), keeps each rule's
/// peers as a bitset over classes, and computes the class-level matrix of allowed connections
/// (egress of the source AND ingress of the destination). Never walks pod pairs.
/// </summary>
public sealed class ConnectivityAnalyzer
{
    private readonly ClusterModel model;
    private readonly AnalysisMode mode;
    private readonly List<PodClass> classes = [];
    private readonly Dictionary<PodInfo, int> classOfPod = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, List<int>> classesByNamespace = new(StringComparer.Ordinal);
    private readonly IpAtoms podIpAtoms;
    private readonly Dictionary<int, List<int>> ipClassesByAtom = [];
    private readonly Dictionary<string, ulong[]> selectorCache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NamespaceInfo>> namespaceSelectorCache = new(StringComparer.Ordinal);

    // per policy index
    private readonly ulong[][] selected;

    // per rule (flattened): ingress rules peers over the source space; egress rules peers over the destination space
    private readonly List<RuleRef> ingressRules = [];
    private readonly List<RuleRef> egressRules = [];

    /// <summary>Builds classes, atoms and rule peer sets.</summary>
    public ConnectivityAnalyzer(ClusterModel model, AnalysisMode mode)
    {
        this.model = model;
        this.mode = mode;
        Interner = new ConnectionInterner();

        var ingressBlocks = new List<Ipv4RangeSet>();
        var egressBlocks = new List<Ipv4RangeSet>();
        foreach (var p in model.Policies)
        {
            foreach (var r in p.AffectsIngress ? p.Ingress : [])
            {
                ingressBlocks.AddRange(r.Peers?.Where(x => x.IpBlock != null).Select(x => x.IpBlock!) ?? []);
            }

            foreach (var r in p.AffectsEgress ? p.Egress : [])
            {
                egressBlocks.AddRange(r.Peers?.Where(x => x.IpBlock != null).Select(x => x.IpBlock!) ?? []);
            }
        }

        SourceAtoms = IpAtoms.Partition(ingressBlocks);
        DestinationAtoms = IpAtoms.Partition(egressBlocks);
        var anyBlocks = ingressBlocks.Count + egressBlocks.Count > 0;
        podIpAtoms = IpAtoms.Partition(ingressBlocks.Concat(egressBlocks));

        BuildClasses(anyBlocks && mode == AnalysisMode.Kubernetes);
        ClassCount = classes.Count;
        SourceCount = ClassCount + SourceAtoms.Atoms.Count;
        DestinationCount = ClassCount + DestinationAtoms.Atoms.Count;

        selected = new ulong[model.Policies.Count][];
        IngressIsolated = new bool[ClassCount];
        EgressIsolated = new bool[ClassCount];
        IngressPolicies = new List<int>?[ClassCount];
        EgressPolicies = new List<int>?[ClassCount];
        EgressRulesTargeting = new List<int>?[DestinationCount];

        for (var pi = 0; pi < model.Policies.Count; pi++)
        {
            var p = model.Policies[pi];
            var sel = SelectPods(p.Namespace, null, p.PodSelector);
            selected[pi] = sel;
            ForEachBit(sel, c =>
            {
                if (p.AffectsIngress)
                {
                    IngressIsolated[c] = true;
                    (IngressPolicies[c] ??= []).Add(pi);
                }

                if (p.AffectsEgress)
                {
                    EgressIsolated[c] = true;
                    (EgressPolicies[c] ??= []).Add(pi);
                }
            });

            if (p.AffectsIngress)
            {
                foreach (var r in p.Ingress)
                {
                    ingressRules.Add(new RuleRef(pi, r, PeerSet(p, r, SourceCount, SourceAtoms)));
                }
            }

            if (p.AffectsEgress)
            {
                foreach (var r in p.Egress)
                {
                    var rr = new RuleRef(pi, r, PeerSet(p, r, DestinationCount, DestinationAtoms));
                    var idx = egressRules.Count;
                    egressRules.Add(rr);
                    if (!IsEmpty(sel))
                    {
                        ForEachBit(rr.Peers, d => (EgressRulesTargeting[d] ??= []).Add(idx));
                    }
                }
            }
        }

        for (var i = 0; i < ingressRules.Count; i++)
        {
            if (!ingressRulesByPolicy.TryGetValue(ingressRules[i].Policy, out var l))
            {
                ingressRulesByPolicy[ingressRules[i].Policy] = l = [];
            }

            l.Add(i);
        }

        for (var i = 0; i < egressRules.Count; i++)
        {
            if (!egressRulesByPolicy.TryGetValue(egressRules[i].Policy, out var l))
            {
                egressRulesByPolicy[egressRules[i].Policy] = l = [];
            }

            l.Add(i);
        }
    }

    private readonly Dictionary<int, List<int>> ingressRulesByPolicy = [];
    private readonly Dictionary<int, List<int>> egressRulesByPolicy = [];

    /// <summary>The model.</summary>
    public ClusterModel Model => model;

    /// <summary>The mode.</summary>
    public AnalysisMode Mode => mode;

    /// <summary>The interner holding the matrix's connection sets.</summary>
    public ConnectionInterner Interner { get; }

    /// <summary>Pod classes.</summary>
    public IReadOnlyList<PodClass> Classes => classes;

    /// <summary>Number of pod classes.</summary>
    public int ClassCount { get; }

    /// <summary>Number of sources (classes, then source atoms).</summary>
    public int SourceCount { get; }

    /// <summary>Number of destinations (classes, then destination atoms).</summary>
    public int DestinationCount { get; }

    /// <summary>External source atoms (from ingress ipBlocks).</summary>
    public IpAtoms SourceAtoms { get; }

    /// <summary>External destination atoms (from egress ipBlocks).</summary>
    public IpAtoms DestinationAtoms { get; }

    private bool[] IngressIsolated { get; }

    private bool[] EgressIsolated { get; }

    private List<int>?[] IngressPolicies { get; }

    private List<int>?[] EgressPolicies { get; }

    private List<int>?[] EgressRulesTargeting { get; }

    /// <summary>The class of a pod.</summary>
    public int ClassOf(PodInfo pod) => classOfPod[pod];

    /// <summary>Computes the whole class-level matrix.</summary>
    public ConnectivityMatrix ComputeMatrix()
    {
        var cells = new int[(long)SourceCount * DestinationCount];
        var inGroups = new Dictionary<int, ulong[]>();
        var egGroups = new Dictionary<int, ulong[]>();
        var srcWords = Words(SourceCount);
        var clsWords = Words(ClassCount);
        var inList = new List<(int Conn, ulong[] Bits)>();
        var done = new bool[srcWords];
        var egressIsolatedBits = new ulong[clsWords];
        for (var c = 0; c < ClassCount; c++)
        {
            if (EgressIsolated[c])
            {
                egressIsolatedBits[c >> 6] |= 1UL << (c & 63);
            }
        }

        var egList = new List<(int Conn, ulong[] Bits)>();
        for (var d = 0; d < DestinationCount; d++)
        {
            inGroups.Clear();
            egGroups.Clear();
            var inIso = d < ClassCount && IngressIsolated[d];
            if (inIso)
            {
                foreach (var pi in IngressPolicies[d]!)
                {
                    if (!ingressRulesByPolicy.TryGetValue(pi, out var rl))
                    {
                        continue;
                    }

                    foreach (var ri in rl)
                    {
                        var rr = ingressRules[ri];
                        var conn = PortsId(rr.Rule, d);
                        if (conn == ConnectionInterner.EmptyId)
                        {
                            continue;
                        }

                        if (!inGroups.TryGetValue(conn, out var bits))
                        {
                            inGroups[conn] = bits = new ulong[srcWords];
                        }

                        Or(bits, rr.Peers);
                    }
                }
            }

            if (EgressRulesTargeting[d] is { } targeting)
            {
                foreach (var ri in targeting)
                {
                    var rr = egressRules[ri];
                    var conn = PortsId(rr.Rule, d);
                    if (conn == ConnectionInterner.EmptyId)
                    {
                        continue;
                    }

                    if (!egGroups.TryGetValue(conn, out var bits))
                    {
                        egGroups[conn] = bits = new ulong[clsWords];
                    }

                    Or(bits, selected[rr.Policy]);
                }
            }

            inList.Clear();
            egList.Clear();
            Array.Clear(done);
            foreach (var (k, v) in inGroups)
            {
                inList.Add((k, v));
            }

            foreach (var (k, v) in egGroups)
            {
                egList.Add((k, v));
            }

            var rowBase = (long)d;
            for (var w = 0; w < srcWords; w++)
            {
                // Fast path: no group holds any source of this 64-source word, so every cell is either
                // "all" (source not egress-isolated and destination not ingress-isolated) or "none".
                ulong any = 0;
                foreach (var (_, bits) in inList)
                {
                    any |= bits[w];
                }

                if (w < clsWords)
                {
                    foreach (var (_, bits) in egList)
                    {
                        any |= bits[w];
                    }
                }

                if (any != 0)
                {
                    continue;
                }

                var isoWord = w < clsWords ? egressIsolatedBits[w] : 0UL;
                var end = Math.Min(SourceCount, (w + 1) << 6);
                for (var s = w << 6; s < end; s++)
                {
                    var open = !inIso && (isoWord & (1UL << (s & 63))) == 0;
                    cells[((long)s * DestinationCount) + rowBase] = open ? ConnectionInterner.AllId : ConnectionInterner.EmptyId;
                }

                done[w] = true;
            }

            for (var s = 0; s < SourceCount; s++)
            {
                if (done[s >> 6])
                {
                    s |= 63;
                    continue;
                }

                var eg = ConnectionInterner.AllId;
                if (s < ClassCount && EgressIsolated[s])
                {
                    eg = ConnectionInterner.EmptyId;
                    foreach (var (conn, bits) in egList)
                    {
                        if ((bits[s >> 6] & (1UL << (s & 63))) != 0)
                        {
                            eg = Interner.Union(eg, conn);
                        }
                    }
                }

                var ing = ConnectionInterner.AllId;
                if (inIso && eg != ConnectionInterner.EmptyId)
                {
                    ing = ConnectionInterner.EmptyId;
                    foreach (var (conn, bits) in inList)
                    {
                        if ((bits[s >> 6] & (1UL << (s & 63))) != 0)
                        {
                            ing = Interner.Union(ing, conn);
                        }
                    }
                }

                cells[((long)s * DestinationCount) + d] = Interner.Intersect(eg, ing);
            }
        }

        return new ConnectivityMatrix(this, cells);
    }

    /// <summary>The allowed connections between two single classes/atoms, without computing the matrix.</summary>
    public ConnectionSet Query(int source, int destination)
    {
        var dstPorts = destination < ClassCount ? classes[destination].Representative.NamedPorts : null;
        var eg = ConnectionSet.All;
        if (source < ClassCount && EgressIsolated[source])
        {
            eg = ConnectionSet.Empty;
            foreach (var pi in EgressPolicies[source]!)
            {
                if (egressRulesByPolicy.TryGetValue(pi, out var rl))
                {
                    foreach (var ri in rl)
                    {
                        if (TestBit(egressRules[ri].Peers, destination))
                        {
                            eg = eg.Union(egressRules[ri].Rule.PortsFor(dstPorts));
                        }
                    }
                }
            }
        }

        var ing = ConnectionSet.All;
        if (destination < ClassCount && IngressIsolated[destination])
        {
            ing = ConnectionSet.Empty;
            foreach (var pi in IngressPolicies[destination]!)
            {
                if (ingressRulesByPolicy.TryGetValue(pi, out var rl))
                {
                    foreach (var ri in rl)
                    {
                        if (TestBit(ingressRules[ri].Peers, source))
                        {
                            ing = ing.Union(ingressRules[ri].Rule.PortsFor(dstPorts));
                        }
                    }
                }
            }
        }

        return eg.Intersect(ing);
    }

    private readonly Dictionary<(PolicyRuleInfo, int), int> portsCache = new();
    private readonly List<int> portProfileOfClass = [];
    private readonly Dictionary<string, int> portProfiles = new(StringComparer.Ordinal);

    /// <summary>The interned ports a rule allows towards destination index <paramref name="d"/> (cached per named-port profile).</summary>
    private int PortsId(PolicyRuleInfo rule, int d)
    {
        if (rule.NamedPorts.Count == 0)
        {
            return Interner.Intern(rule.NumericPorts);
        }

        var profile = d < ClassCount ? portProfileOfClass[d] : -1;
        if (!portsCache.TryGetValue((rule, profile), out var id))
        {
            id = Interner.Intern(rule.PortsFor(d < ClassCount ? classes[d].Representative.NamedPorts : null));
            portsCache[(rule, profile)] = id;
        }

        return id;
    }

    private void BuildClasses(bool splitByIp)
    {
        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        var sb = new StringBuilder();
        foreach (var pod in model.Pods)
        {
            sb.Clear();
            sb.Append(pod.Namespace).Append('\u001f');
            foreach (var (k, v) in pod.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                sb.Append(k).Append('=').Append(v).Append('\u001e');
            }

            sb.Append('\u001f');
            var portsStart = sb.Length;
            foreach (var np in pod.NamedPorts)
            {
                sb.Append(np.Name).Append('/').Append((int)np.Protocol).Append('/').Append(np.Port).Append('\u001e');
            }

            var portsKeyLength = sb.Length - portsStart;

            sb.Append('\u001f').Append(pod.HostNetwork && mode == AnalysisMode.Kubernetes ? '1' : '0');
            var atom = -1;
            if (splitByIp && pod.Ip is { } ip)
            {
                atom = podIpAtoms.IndexOf(ip);
            }

            sb.Append('\u001f').Append(atom);
            var key = sb.ToString();
            if (!byKey.TryGetValue(key, out var id))
            {
                id = classes.Count;
                byKey[key] = id;
                classes.Add(new PodClass(id, pod));
                var portsKey = key.Substring(portsStart, portsKeyLength);
                if (!portProfiles.TryGetValue(portsKey, out var profile))
                {
                    profile = portProfiles.Count;
                    portProfiles[portsKey] = profile;
                }

                portProfileOfClass.Add(profile);
                if (!classesByNamespace.TryGetValue(pod.Namespace, out var l))
                {
                    classesByNamespace[pod.Namespace] = l = [];
                }

                l.Add(id);
                if (atom >= 0)
                {
                    if (!ipClassesByAtom.TryGetValue(atom, out var al))
                    {
                        ipClassesByAtom[atom] = al = [];
                    }

                    al.Add(id);
                }
            }

            classes[id].Members.Add(pod);
            classOfPod[pod] = id;
        }
    }

    private ulong[] SelectPods(string policyNamespace, CompiledSelector? nsSelector, CompiledSelector? podSelector)
    {
        var key = (nsSelector == null ? "ns:" + policyNamespace : "nss:" + nsSelector.Key) + "\u001f" + (podSelector?.Key ?? "<all>");
        if (selectorCache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var bits = new ulong[Words(classes.Count)];
        IEnumerable<string> namespaces = nsSelector == null ? [policyNamespace] : MatchNamespaces(nsSelector).Select(n => n.Name);
        foreach (var ns in namespaces)
        {
            if (!classesByNamespace.TryGetValue(ns, out var list))
            {
                continue;
            }

            foreach (var c in list)
            {
                var rep = classes[c].Representative;
                if (PolicySemantics.IsPolicyPod(rep, mode) && (podSelector == null || podSelector.Matches(rep.Labels)))
                {
                    bits[c >> 6] |= 1UL << (c & 63);
                }
            }
        }

        selectorCache[key] = bits;
        return bits;
    }

    private List<NamespaceInfo> MatchNamespaces(CompiledSelector sel)
    {
        if (!namespaceSelectorCache.TryGetValue(sel.Key, out var list))
        {
            list = model.Namespaces.Values.Where(n => sel.Matches(n.Labels)).ToList();
            namespaceSelectorCache[sel.Key] = list;
        }

        return list;
    }

    private ulong[] PeerSet(PolicyInfo policy, PolicyRuleInfo rule, int size, IpAtoms atoms)
    {
        var bits = new ulong[Words(size)];
        if (rule.AllPeers)
        {
            for (var i = 0; i < size; i++)
            {
                bits[i >> 6] |= 1UL << (i & 63);
            }

            return bits;
        }

        foreach (var peer in rule.Peers!)
        {
            if (peer.IpBlock is { } block)
            {
                for (var a = 0; a < atoms.Atoms.Count; a++)
                {
                    if (block.ContainsRange(atoms.Atoms[a]))
                    {
                        var i = ClassCount + a;
                        bits[i >> 6] |= 1UL << (i & 63);
                    }
                }

                if (mode == AnalysisMode.Kubernetes)
                {
                    // Pod classes are split by ipBlock atom, so testing one address per atom decides them all.
                    foreach (var (atom, list) in ipClassesByAtom)
                    {
                        if (block.Contains(podIpAtoms.Atoms[atom].Start))
                        {
                            foreach (var c in list)
                            {
                                bits[c >> 6] |= 1UL << (c & 63);
                            }
                        }
                    }
                }
            }
            else if (peer.PodSelector != null || peer.NamespaceSelector != null)
            {
                Or(bits, SelectPods(policy.Namespace, peer.NamespaceSelector, peer.PodSelector));
            }
        }

        return bits;
    }

    private static int Words(int bits) => (bits + 63) >> 6;

    private static void Or(ulong[] into, ulong[] from)
    {
        var n = Math.Min(into.Length, from.Length);
        for (var i = 0; i < n; i++)
        {
            into[i] |= from[i];
        }
    }

    private static bool TestBit(ulong[] bits, int i) => (i >> 6) < bits.Length && (bits[i >> 6] & (1UL << (i & 63))) != 0;

    private static bool IsEmpty(ulong[] bits)
    {
        foreach (var w in bits)
        {
            if (w != 0)
            {
                return false;
            }
        }

        return true;
    }

    private static void ForEachBit(ulong[] bits, Action<int> action)
    {
        for (var w = 0; w < bits.Length; w++)
        {
            var word = bits[w];
            while (word != 0)
            {
                var t = BitOperations.TrailingZeroCount(word);
                action((w << 6) + t);
                word &= word - 1;
            }
        }
    }

    private sealed record RuleRef(int Policy, PolicyRuleInfo Rule, ulong[] Peers);
}
