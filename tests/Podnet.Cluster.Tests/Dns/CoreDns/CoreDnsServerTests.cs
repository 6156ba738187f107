using System.Net;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Dns.CoreDns;
using Podnet.Cluster.Dns.Wire;
using Xunit;

namespace Podnet.Cluster.Tests.Dns.CoreDns;

public class CoreDnsServerTests
{
    private static DnsMessage Ask(CoreDnsServer s, string name, DnsRecordType type) => s.Answer(DnsMessage.Query(77, name, type));

    private static List<string> Lines(IEnumerable<DnsResourceRecord> rrs) => rrs.Select(r => r.ToString()).ToList();

    [Fact]
    public void Kubeadm_corefile_answers_services_with_ttl_30()
    {
        var s = DnsTestCluster.CoreDns();
        var r = Ask(s, "web.shop.svc.cluster.local", DnsRecordType.A);
        Assert.Equal(DnsRcode.NoError, r.Header.Rcode);
        Assert.True(r.Header.Authoritative);
        Assert.Equal(["web.shop.svc.cluster.local.\t30\tIN\tA\t10.96.0.50"], Lines(r.Answers));
    }

    [Fact]
    public void Headless_service_answers_ready_endpoints_and_hostnames()
    {
        var s = DnsTestCluster.CoreDns();
        var r = Ask(s, "db.shop.svc.cluster.local", DnsRecordType.A);
        Assert.Equal(["10.244.1.7", "10.244.2.8"], r.Answers.Select(a => a.Data.ToPresentation()).Order());
        var one = Ask(s, "db-1.db.shop.svc.cluster.local", DnsRecordType.A);
        Assert.Equal(["db-1.db.shop.svc.cluster.local.\t30\tIN\tA\t10.244.2.8"], Lines(one.Answers));
        Assert.Equal(DnsRcode.NXDomain, Ask(s, "db-2.db.shop.svc.cluster.local", DnsRecordType.A).Header.Rcode);
        var srv = Ask(s, "_pg._tcp.db.shop.svc.cluster.local", DnsRecordType.SRV);
        Assert.Equal(["0 50 5432 db-0.db.shop.svc.cluster.local.", "0 50 5432 db-1.db.shop.svc.cluster.local."],
            srv.Answers.Select(a => a.Data.ToPresentation()).Order());
        Assert.Equal(2, srv.Additional.Count(a => a.Type == DnsRecordType.A));
    }

    [Fact]
    public void Srv_for_named_port_of_a_clusterip_service()
    {
        var r = Ask(DnsTestCluster.CoreDns(), "_http._tcp.web.shop.svc.cluster.local", DnsRecordType.SRV);
        Assert.Equal(["_http._tcp.web.shop.svc.cluster.local.\t30\tIN\tSRV\t0 100 80 web.shop.svc.cluster.local."], Lines(r.Answers));
        Assert.Equal(["web.shop.svc.cluster.local.\t30\tIN\tA\t10.96.0.50"], Lines(r.Additional));
        Assert.Equal(DnsRcode.NXDomain, Ask(DnsTestCluster.CoreDns(), "_https._tcp.web.shop.svc.cluster.local", DnsRecordType.SRV).Header.Rcode);
    }

    [Fact]
    public void External_name_is_a_cname_chased_through_forward()
    {
        var up = new FakeUpstream();
        var r = Ask(DnsTestCluster.CoreDns(upstream: up), "ext.shop.svc.cluster.local", DnsRecordType.A);
        Assert.Equal(["ext.shop.svc.cluster.local.\t30\tIN\tCNAME\texample.com.", "example.com.\t300\tIN\tA\t93.184.215.14"], Lines(r.Answers));
        Assert.Equal(1, up.Calls);
    }

    [Fact]
    public void Ptr_for_service_and_endpoint_ips_and_fallthrough_for_others()
    {
        var up = new FakeUpstream();
        var s = DnsTestCluster.CoreDns(upstream: up);
        Assert.Equal("web.shop.svc.cluster.local.", Ask(s, "50.0.96.10.in-addr.arpa", DnsRecordType.PTR).Answers.Single().Data.ToPresentation());
        Assert.Equal("10-244-1-5.web.shop.svc.cluster.local.", Ask(s, "5.1.244.10.in-addr.arpa", DnsRecordType.PTR).Answers.Single().Data.ToPresentation());
        Assert.Equal("db-0.db.shop.svc.cluster.local.", Ask(s, "7.1.244.10.in-addr.arpa", DnsRecordType.PTR).Answers.Single().Data.ToPresentation());
        Assert.Equal(0, up.Calls);
        // A pod IP that backs no Service: NXDOMAIN in the plugin, but `fallthrough in-addr.arpa` hands it to forward.
        var other = Ask(s, "99.9.244.10.in-addr.arpa", DnsRecordType.PTR);
        Assert.Equal(1, up.Calls);
        Assert.Equal(DnsRcode.NXDomain, other.Header.Rcode);
        Assert.False(other.Header.Authoritative);
    }

    [Fact]
    public void Pod_records_in_insecure_mode_and_apex_ns_behind_kube_dns()
    {
        var s = DnsTestCluster.CoreDns();
        Assert.Equal("10.244.3.9", Ask(s, "10-244-3-9.shop.pod.cluster.local", DnsRecordType.A).Answers.Single().Data.ToPresentation());
        var ns = Ask(s, "cluster.local", DnsRecordType.NS);
        Assert.Equal(["cluster.local.\t30\tIN\tNS\tkube-dns.kube-system.svc.cluster.local."], Lines(ns.Answers));
        Assert.Equal(["kube-dns.kube-system.svc.cluster.local.\t30\tIN\tA\t10.96.0.10"], Lines(ns.Additional));
        var soa = Ask(s, "cluster.local", DnsRecordType.SOA).Answers.Single();
        Assert.Equal("cluster.local.\t30\tIN\tSOA\tns.dns.cluster.local. hostmaster.cluster.local. 1763700000 7200 1800 86400 30", soa.ToString());
        Assert.Equal("\"1.1.0\"", Ask(s, "dns-version.cluster.local", DnsRecordType.TXT).Answers.Single().Data.ToPresentation());
    }

    [Fact]
    public void Names_outside_the_cluster_are_forwarded_and_cached_on_the_simulation_clock()
    {
        var clock = new ManualClock();
        var up = new FakeUpstream();
        var s = DnsTestCluster.CoreDns(clock, up);
        var first = Ask(s, "example.com", DnsRecordType.A);
        Assert.Equal(300u, first.Answers.Single().Ttl);
        clock.Now = TimeSpan.FromSeconds(12);
        var second = Ask(s, "example.com", DnsRecordType.A);
        Assert.Equal(1, up.Calls);
        Assert.Equal(288u, second.Answers.Single().Ttl); // cached for min(300, cache 30) s; the record TTL counts down
        Assert.Equal(77, second.Header.Id);
        clock.Now = TimeSpan.FromSeconds(31);
        Ask(s, "example.com", DnsRecordType.A);
        Assert.Equal(2, up.Calls);
        // cluster.local answers are not cached (kubeadm: disable success/denial cluster.local).
        Ask(s, "web.shop.svc.cluster.local", DnsRecordType.A);
        Ask(s, "nope.shop.svc.cluster.local", DnsRecordType.A);
        Assert.Equal(2, up.Calls);
    }

    [Fact]
    public void Reload_from_the_configmap_changes_answers_and_bad_corefiles_keep_the_old_one()
    {
        var s = DnsTestCluster.CoreDns();
        var cm = new ConfigMap
        {
            Metadata = new ObjectMeta { Namespace = "kube-system", Name = "coredns" },
            Data = new Dictionary<string, string> { ["Corefile"] = Corefile.KubeadmDefault().Replace("ttl 30", "ttl 7").Replace("pods insecure", "pods disabled") },
        };
        Assert.True(s.Reload(CoreDnsServer.CorefileFrom(cm)));
        Assert.Equal(7u, Ask(s, "web.shop.svc.cluster.local", DnsRecordType.A).Answers.Single().Ttl);
        Assert.Equal(DnsRcode.NXDomain, Ask(s, "10-244-3-9.shop.pod.cluster.local", DnsRecordType.A).Header.Rcode);
        Assert.False(s.Reload(".:53 {\n    kubernetes cluster.local {\n        ttl 9000\n    }\n}\n"));
        Assert.Equal("Corefile:3 - Error during parsing: ttl must be in range [0, 3600]: 9000", s.LastReloadError);
        Assert.Equal(7u, Ask(s, "web.shop.svc.cluster.local", DnsRecordType.A).Answers.Single().Ttl);
    }

    [Fact]
    public void Corefile_errors_name_the_line()
    {
        var e = Assert.Throws<CorefileException>(() => Corefile.Parse(".:53 {\n  errors\n  bogus\n}"));
        Assert.Equal("Corefile:3 - Error during parsing: Unknown directive 'bogus'", e.Message);
        Assert.Throws<CorefileException>(() => Corefile.Parse(".:53 {\n  errors\n"));
        var ok = Corefile.Parse(Corefile.KubeadmDefault());
        var k = ok.ServerBlocks[0].KubernetesOptions()!;
        Assert.Equal(["cluster.local.", "in-addr.arpa.", "ip6.arpa."], k.Zones);
        Assert.Equal(PodsMode.Insecure, k.Pods);
        Assert.Equal(30u, k.Ttl);
        Assert.Equal(["in-addr.arpa.", "ip6.arpa."], k.Fallthrough!);
    }

    [Fact]
    public void Hosts_and_rewrite_plugins()
    {
        var corefile = """
            .:53 {
                hosts {
                    192.0.2.10 registry.local
                    fallthrough
                }
                rewrite name exact db.internal. web.shop.svc.cluster.local. answer auto
                kubernetes cluster.local in-addr.arpa ip6.arpa {
                    pods insecure
                    ttl 30
                }
                forward . /etc/resolv.conf
            }
            """;
        var s = DnsTestCluster.CoreDns(corefile: corefile);
        Assert.Equal(["registry.local.\t3600\tIN\tA\t192.0.2.10"], Lines(Ask(s, "registry.local", DnsRecordType.A).Answers));
        var rw = Ask(s, "db.internal", DnsRecordType.A);
        Assert.Equal("db.internal.", rw.Questions[0].Name);
        Assert.Equal(["db.internal.\t30\tIN\tA\t10.96.0.50"], Lines(rw.Answers));
        Assert.Equal("10.96.0.50", Ask(s, "web.shop.svc.cluster.local", DnsRecordType.A).Answers.Single().Data.ToPresentation());
    }

    [Fact]
    public void No_matching_server_block_is_refused_and_loadbalance_rotates()
    {
        var s = DnsTestCluster.CoreDns(corefile: "cluster.local:53 {\n kubernetes\n loadbalance\n}\n");
        Assert.Equal(DnsRcode.Refused, Ask(s, "example.com", DnsRecordType.A).Header.Rcode);
        var a = Ask(s, "db.shop.svc.cluster.local", DnsRecordType.A).Answers.Select(x => x.Data.ToPresentation()).ToList();
        var b = Ask(s, "db.shop.svc.cluster.local", DnsRecordType.A).Answers.Select(x => x.Data.ToPresentation()).ToList();
        Assert.Equal(a.Order(), b.Order());
        Assert.NotEqual(a, b);
    }
}
