using Podnet.Cluster.Api.Meta;

namespace Podnet.Cli.Printers;

/// <summary>A column of a kubectl table (Go: <c>metav1.TableColumnDefinition</c>); priority 1 columns show only with <c>-o wide</c>.</summary>
public sealed record TableColumn(string Name, int Priority = 0);

/// <summary>One row: its cells (all columns, wide ones included) and the object it shows.</summary>
public sealed record TableRow(IReadOnlyList<string> Cells, KubeObject Object);

/// <summary>A server-side table (Go: <c>metav1.Table</c>) for one resource type.</summary>
public sealed record Table(IReadOnlyList<TableColumn> Columns, IReadOnlyList<TableRow> Rows);
