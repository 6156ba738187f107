namespace Podnet.Kernel.Netfilter.Nftables;

/// <summary>
/// The <c>nft</c> command (nftables v1.0.6): <c>-f FILE|-</c> (the script is passed as stdin; FILE only
/// names it in error messages), <c>-c</c> check mode, <c>list ruleset|tables|table|chain|set|map</c>,
/// and single commands given on the command line (<c>nft add rule ip t c accept</c>, <c>nft flush ruleset</c>).
/// </summary>
internal static class NftTool
{
    public static ToolResult Run(NftRuleset rs, IReadOnlyList<string> args, string? stdin)
    {
        bool check = false;
        string? file = null;
        var rest = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-c" or "--check": check = true; break;
                case "-f" or "--file":
                    if (i + 1 >= args.Count) return ToolResult.Fail(1, "nft: option requires an argument -- 'f'\n");
                    file = args[++i];
                    break;
                case "-a" or "--handle" or "-n" or "--numeric" or "-s" or "--stateless" or "-e" or "--echo": break;
                default: rest.Add(args[i]); break;
            }
        }
        if (file is not null) return rs.Apply(stdin ?? "", file == "-" ? "/dev/stdin" : file, check);
        if (rest.Count == 0) return ToolResult.Fail(1, "Error: no command specified\n");
        if (rest[0] == "list") return List(rs, rest);
        var cmd = string.Join(' ', rest.Select(a => a.Contains(' ') ? "\"" + a + "\"" : a));
        var r = rs.Apply(cmd, "", check);
        if (r.ExitCode != 0)
        {
            // command-line errors carry no file position: "Error: MSG\nCMD\n   ^^^"
            var lines = r.Stderr.Split('\n');
            var first = lines[0];
            int e = first.IndexOf("Error:", StringComparison.Ordinal);
            return ToolResult.Fail(1, first[e..] + "\n" + string.Join('\n', lines.Skip(1)));
        }
        return r;
    }

    private static ToolResult List(NftRuleset rs, List<string> a)
    {
        string What(int i) => i < a.Count ? a[i] : "";
        var what = What(1);
        if (what == "ruleset") return ToolResult.Ok(rs.List(null));
        if (what == "tables")
            return ToolResult.Ok(string.Concat(rs.Tables.Select(t => "table " + t.Family + " " + t.Name + "\n")));
        int k = 2;
        string fam = "ip";
        if (What(k) is "ip" or "ip6" or "inet") fam = a[k++];
        var tname = What(k++);
        var table = rs.Table(fam, tname);
        string cmdline = string.Join(' ', a);
        if (table is null) return NotFound(cmdline, tname);
        if (what == "table") return ToolResult.Ok(rs.List(table));
        var oname = What(k);
        if (what is "set" or "map")
        {
            var s = table.Set(oname);
            if (s is null || s.IsMap != (what == "map")) return NotFound(cmdline, oname);
            var sb = new System.Text.StringBuilder();
            sb.Append("table ").Append(fam).Append(' ').Append(tname).Append(" {\n");
            NftRuleset.PrintSet(sb, s, rs.Owner.Host.Now);
            sb.Append("}\n");
            return ToolResult.Ok(sb.ToString());
        }
        if (what == "chain")
        {
            var c = table.Chain(oname);
            if (c is null) return NotFound(cmdline, oname);
            var full = rs.List(table);
            // reuse the table printer and keep only this chain's block
            var start = full.IndexOf("\tchain " + c.Name + " {\n", StringComparison.Ordinal);
            var end = full.IndexOf("\t}\n", start, StringComparison.Ordinal) + 3;
            return ToolResult.Ok("table " + fam + " " + tname + " {\n" + full[start..end] + "}\n");
        }
        return ToolResult.Fail(1, "Error: syntax error, unexpected string\n" + cmdline + "\n");
    }

    private static ToolResult NotFound(string cmdline, string name)
    {
        int col = cmdline.LastIndexOf(name, StringComparison.Ordinal);
        var carets = col < 0 ? "" : new string(' ', col) + new string('^', Math.Max(1, name.Length));
        return ToolResult.Fail(1, "Error: No such file or directory\n" + cmdline + "\n" + carets + "\n");
    }
}
