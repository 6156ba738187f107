using Podnet.Kernel.Netfilter;
using Xunit;

namespace Podnet.Kernel.Tests.Netfilter;

public class IpsetTests
{
    [Fact]
    public void ListFormatAsIpset()
    {
        var nf = TestHost.Create(out _);
        Assert.Equal(0, nf.Ipset(["create", "KUBE-CLUSTER-IP", "hash:ip,port", "comment"]).ExitCode);
        nf.Ipset(["add", "KUBE-CLUSTER-IP", "10.96.0.10,udp:53"]);
        nf.Ipset(["add", "KUBE-CLUSTER-IP", "10.96.0.1,tcp:443"]);
        var list = nf.Ipset(["list", "KUBE-CLUSTER-IP"]).Stdout;
        Assert.Matches(
            "^Name: KUBE-CLUSTER-IP\nType: hash:ip,port\nRevision: 7\nHeader: family inet hashsize 1024 maxelem 65536 comment bucketsize 12 initval 0x[0-9a-f]{8}\n" +
            "Size in memory: [0-9]+\nReferences: 0\nNumber of entries: 2\nMembers:\n10.96.0.10,udp:53\n10.96.0.1,tcp:443\n$", list);
        Assert.Equal("KUBE-CLUSTER-IP\n", nf.Ipset(["list", "-n"]).Stdout);
    }

    [Fact]
    public void ErrorsAsIpset()
    {
        var nf = TestHost.Create(out _);
        nf.Ipset(["create", "F", "hash:ip"]);
        nf.Ipset(["add", "F", "1.1.1.1"]);
        Assert.Equal(new ToolResult(1, "", "ipset v7.17: Element cannot be added to the set: it's already added\n"), nf.Ipset(["add", "F", "1.1.1.1"]));
        Assert.Equal(0, nf.Ipset(["-exist", "add", "F", "1.1.1.1"]).ExitCode);
        Assert.Equal(new ToolResult(1, "", "ipset v7.17: Set cannot be created: set with the same name already exists\n"), nf.Ipset(["create", "F", "hash:ip"]));
        Assert.Equal(new ToolResult(1, "", "ipset v7.17: The set with the given name does not exist\n"), nf.Ipset(["list", "NOPE"]));
        Assert.Equal(new ToolResult(1, "", "ipset v7.17: Element cannot be deleted from the set: it's not added\n"), nf.Ipset(["del", "F", "2.2.2.2"]));
        Assert.Equal(new ToolResult(1, "", "2.2.2.2 is NOT in set F.\n"), nf.Ipset(["test", "F", "2.2.2.2"]));
        Assert.Equal(new ToolResult(0, "", "Warning: 1.1.1.1 is in set F.\n"), nf.Ipset(["test", "F", "1.1.1.1"]));
        Assert.Equal(2, nf.Ipset(["foo"]).ExitCode);
    }

    [Fact]
    public void RestoreSaveSwapAndMatchInIptables()
    {
        var nf = TestHost.Create(out _);
        var r = nf.Ipset(["restore"], "create KUBE-LOOP-BACK hash:ip,port,ip family inet hashsize 1024 maxelem 65536\nadd KUBE-LOOP-BACK 10.244.1.2,tcp:80,10.244.1.2\ncreate NETS hash:net\nadd NETS 10.0.0.0/8\nadd NETS 192.168.1.0/24\ncreate TMP hash:net\nadd TMP 172.16.0.0/12\n");
        Assert.Equal("", r.Stderr);
        Assert.Contains("add KUBE-LOOP-BACK 10.244.1.2,tcp:80,10.244.1.2\n", nf.Ipset(["save"]).Stdout);
        var bad = nf.Ipset(["restore"], "create A hash:ip\nadd A 1.2.3.400\n");
        Assert.Equal(1, bad.ExitCode);
        Assert.StartsWith("ipset v7.17: Error in line 2: ", bad.Stderr);

        nf.IptablesRestore("*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE\nCOMMIT\n*filter\n:FORWARD DROP [0:0]\n-A FORWARD -m set --match-set NETS src -j ACCEPT\nCOMMIT\n");
        Assert.Equal(NetfilterVerdictKind.Accept, nf.Forward(Pkt.Tcp("10.1.2.3:5", "8.8.8.8:80", Pkt.Syn)).Kind);
        Assert.Equal(NetfilterVerdictKind.Accept, nf.Forward(Pkt.Tcp("192.168.1.9:5", "8.8.8.8:80", Pkt.Syn)).Kind);
        Assert.Equal(NetfilterVerdictKind.Drop, nf.Forward(Pkt.Tcp("172.16.0.1:5", "8.8.8.8:80", Pkt.Syn)).Kind);
        Assert.Equal(0, nf.Ipset(["swap", "NETS", "TMP"]).ExitCode);
        Assert.Equal(NetfilterVerdictKind.Accept, nf.Forward(Pkt.Tcp("172.16.0.1:6", "8.8.8.8:80", Pkt.Syn)).Kind);
        Assert.Equal(NetfilterVerdictKind.Drop, nf.Forward(Pkt.Tcp("10.1.2.3:6", "8.8.8.8:80", Pkt.Syn)).Kind);
        // the iptables rule needs an existing set
        var missing = nf.IptablesRestore("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m set --match-set NOSUCH src -j DROP\nCOMMIT\n");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("Set NOSUCH doesn't exist.", missing.Stderr);
    }

    [Fact]
    public void TimeoutsAndBitmapPort()
    {
        var nf = TestHost.Create(out var host);
        nf.Ipset(["create", "T", "hash:ip", "timeout", "10"]);
        nf.Ipset(["add", "T", "1.1.1.1"]);
        nf.Ipset(["add", "T", "2.2.2.2", "timeout", "100"]);
        Assert.Contains("1.1.1.1 timeout 10\n", nf.Ipset(["list", "T"]).Stdout);
        host.Now += TimeSpan.FromSeconds(11);
        var l = nf.Ipset(["list", "T"]).Stdout;
        Assert.DoesNotContain("1.1.1.1", l);
        Assert.Contains("2.2.2.2 timeout 89\n", l);
        nf.Ipset(["create", "P", "bitmap:port", "range", "0-65535"]);
        nf.Ipset(["add", "P", "30080"]);
        Assert.Equal(0, nf.Ipset(["test", "P", "30080"]).ExitCode);
        Assert.Contains("Header: range 0-65535\n", nf.Ipset(["list", "P"]).Stdout);
    }
}
