using System.Runtime.CompilerServices;
using Podnet.Cluster.Dns.CoreDns;
using Podnet.Cluster.Dns.Wire;
using Xunit;

namespace Podnet.Cluster.Tests.Dns.CoreDns;

public class ZoneFileTests
{
    private static string GoldenPath(string name, [CallerFilePath] string path = "") => Path.Combine(Path.GetDirectoryName(path)!, "Golden", name);

    private static KubernetesPlugin Plugin() => DnsTestCluster.CoreDns().KubernetesFor("cluster.local")!;

    [Fact]
    public void Forward_and_reverse_zone_files_match_the_golden_files()
    {
        var view = DnsTestCluster.View();
        var text = ZoneFile.Format("cluster.local", ZoneFile.Records(Plugin(), view, "cluster.local"))
            + ZoneFile.Format("in-addr.arpa", ZoneFile.ReverseRecords(Plugin(), view, "in-addr.arpa"));
        Assert.Equal(File.ReadAllText(GoldenPath("zonefile.txt")), text);
    }

    /// <summary>Every A, AAAA, CNAME, TXT, PTR and named SRV line of the exported zone is what the plugin answers
    /// for that name: a server loading the file (NSD in the benchmark) gives the same records.</summary>
    [Fact]
    public void Every_exported_record_is_in_the_plugins_answer()
    {
        var view = DnsTestCluster.View();
        var plugin = Plugin();
        var records = ZoneFile.Records(plugin, view, "cluster.local").Concat(ZoneFile.ReverseRecords(plugin, view, "in-addr.arpa"));
        var checkedCount = 0;
        foreach (var rr in records)
        {
            if (rr.Type is DnsRecordType.SOA or DnsRecordType.NS) continue;
            if (rr.Type == DnsRecordType.SRV && !rr.Name.StartsWith('_')) continue; // bare SRV weights differ (AXFR form)
            var reply = plugin.Answer(DnsMessage.Query(1, rr.Name, rr.Type), view)!;
            Assert.Contains(rr.ToString(), reply.Answers.Select(a => a.ToString()));
            checkedCount++;
        }
        Assert.True(checkedCount >= 15);
    }
}
