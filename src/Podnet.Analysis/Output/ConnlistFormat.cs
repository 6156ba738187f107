using Podnet.Cluster.NetworkPolicies;
namespace Podnet.Analysis.Output;

/// <summary>Output formats of <c>podnet reach</c>'s connectivity list (netpol-analyzer <c>list -o</c>).</summary>
public enum ConnlistFormat
{
    /// <summary><c>SRC =&gt; DST : CONN</c> lines.</summary>
    Txt,

    /// <summary>CSV with header <c>src,dst,conn</c> (Go encoding/csv quoting).</summary>
    Csv,

    /// <summary>Markdown table.</summary>
    Md,

    /// <summary>JSON array of {src,dst,conn}, 2-space indent.</summary>
    Json,

    /// <summary>Graphviz digraph, one cluster per namespace.</summary>
    Dot,
}
