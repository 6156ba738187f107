namespace Podnet.Kernel.Netfilter.Nftables;

/// <summary>The working copy of a ruleset inside one nft transaction; committed only if every command succeeds.</summary>
internal sealed class NftWork(List<NftTable> tables, TimeSpan now)
{
    public List<NftTable> Tables { get; } = tables;
    public NftToken Current;
    private readonly TimeSpan _now = now;

    private static NftException NoSuch(NftToken t) => NftException.At(t, "No such file or directory");

    private NftTable NeedTable(string fam, NftToken name) =>
        Tables.Find(t => t.Family == fam && t.Name == name.Text) ?? throw NoSuch(name);

    public void Table(string verb, string fam, NftToken name, string? comment)
    {
        var t = Tables.Find(x => x.Family == fam && x.Name == name.Text);
        switch (verb)
        {
            case "add" or "create":
                if (t is null) Tables.Add(new NftTable(fam, name.Text) { Comment = comment });
                else if (verb == "create") throw NftException.At(name, "Could not process rule: File exists");
                else if (comment is not null) t.Comment = comment;
                break;
            case "delete" or "destroy":
                if (t is null) { if (verb == "destroy") return; throw NoSuch(name); }
                Tables.Remove(t);
                break;
            case "flush":
                if (t is null) throw NoSuch(name);
                foreach (var c in t.Chains) c.Rules.Clear();
                foreach (var s in t.Sets) s.Clear();
                break;
        }
    }

    public void FlushRuleset() => Tables.Clear();

    public void Chain(string verb, string fam, NftToken table, NftToken name, NftParser.ChainSpec spec)
    {
        var t = NeedTable(fam, table);
        var c = t.Chain(name.Text);
        if (c is not null)
        {
            if (verb == "create") throw NftException.At(name, "Could not process rule: File exists");
            if (spec.Hook is not null && (c.Hook is null || c.Type != spec.Type)) throw NftException.At(name, "Could not process rule: Device or resource busy");
            if (spec.Policy is not null) c.PolicyDrop = spec.Policy == "drop";
            if (spec.Comment is not null) c.Comment = spec.Comment;
            if (spec.Hook is not null) c.Priority = spec.Priority;
            return;
        }
        if (name.Text.Length > 255) throw NftException.At(name, "Could not process rule: Numerical result out of range");
        c = new NftChain(name.Text) { Comment = spec.Comment, Handle = t.NextHandle++ };
        if (spec.Hook is not null)
        {
            c.Hook = spec.Hook switch
            {
                "prerouting" => NetfilterHook.Prerouting,
                "input" => NetfilterHook.Input,
                "forward" => NetfilterHook.Forward,
                "output" => NetfilterHook.Output,
                "postrouting" => NetfilterHook.Postrouting,
                _ => throw NftException.At(spec.HookToken!.Value, "unknown chain hook"),
            };
            if (spec.Type == "nat" && c.Hook == NetfilterHook.Forward)
                throw NftException.At(name, "Could not process rule: Operation not supported");
            c.Type = spec.Type;
            c.Priority = spec.Priority;
            c.PolicyDrop = spec.Policy == "drop";
        }
        t.AddChain(c);
    }

    public void ChainOp(string verb, string fam, NftToken table, NftToken name)
    {
        var t = NeedTable(fam, table);
        var c = t.Chain(name.Text);
        if (c is null)
        {
            if (verb == "destroy") return;
            throw NoSuch(name);
        }
        if (verb == "flush") c.Rules.Clear();
        else
        {
            if (c.Rules.Count > 0) throw NftException.At(name, "Could not process rule: Device or resource busy");
            t.RemoveChain(c);
        }
    }

    public void Rule(string verb, string fam, NftToken table, NftToken chain, NftExpr[] exprs, string? comment, long? handle, int? index)
    {
        var t = NeedTable(fam, table);
        var c = t.Chain(chain.Text) ?? throw NoSuch(chain);
        foreach (var e in exprs)
        {
            if (e.SetName is { } sn)
            {
                var s = t.Set(sn) ?? throw NftException.At(Current, "Could not process rule: No such file or directory");
                e.Bind(s);
            }
        }
        var rule = new NftRule(exprs, comment, t.NextHandle++);
        if (verb == "replace")
        {
            int i = c.Rules.FindIndex(r => r.Handle == handle);
            if (i < 0) throw NftException.At(Current, "Could not process rule: No such file or directory");
            c.Rules[i] = rule;
            return;
        }
        int pos;
        if (handle is { } h)
        {
            pos = c.Rules.FindIndex(r => r.Handle == h);
            if (pos < 0) throw NftException.At(Current, "Could not process rule: No such file or directory");
            if (verb == "add") pos++;
        }
        else if (index is { } ix)
        {
            if (ix > c.Rules.Count) throw NftException.At(Current, "Could not process rule: No such file or directory");
            pos = verb == "add" ? ix + 1 : ix;
        }
        else pos = verb == "insert" ? 0 : c.Rules.Count;
        c.Rules.Insert(Math.Min(pos, c.Rules.Count), rule);
    }

    public void DeleteRule(string fam, NftToken table, NftToken chain, long handle)
    {
        var t = NeedTable(fam, table);
        var c = t.Chain(chain.Text) ?? throw NoSuch(chain);
        int i = c.Rules.FindIndex(r => r.Handle == handle);
        if (i < 0) throw NftException.At(chain, "Could not process rule: No such file or directory");
        c.Rules.RemoveAt(i);
    }

    public void Set(string verb, string fam, NftToken table, NftToken name, NftParser.SetSpec spec)
    {
        var t = NeedTable(fam, table);
        var s = t.Set(name.Text);
        if (s is null)
        {
            s = new NftSet(name.Text) { Handle = t.NextHandle++ };
            if (spec.TypeofTokens is not null) throw NftException.At(name, "typeof set declarations are not supported by this emulator");
            if (spec.TypeTokens.Count == 0) throw NftException.At(name, "set definition does not specify key");
            var keys = new List<NftType>();
            NftType? data = null;
            bool afterColon = false;
            foreach (var tok in spec.TypeTokens)
            {
                if (tok.Text == ".") continue;
                if (tok.Text == ":") { afterColon = true; continue; }
                var ty = NftValues.ParseTypeName(tok.Text) ?? throw NftException.At(tok, $"unknown datatype {tok.Text}");
                if (afterColon) data = ty; else keys.Add(ty);
            }
            if (spec.IsMap && data is null) throw NftException.At(name, "map definition does not specify mapping data type");
            if (!spec.IsMap && data is not null) throw NftException.At(name, "syntax error, unexpected colon");
            s.KeyTypes = keys.ToArray();
            s.DataType = data;
            var flags = spec.Flags.SelectMany(f => f.Split(',')).ToList();
            s.Interval = flags.Contains("interval");
            s.Dynamic = flags.Contains("dynamic");
            s.HasTimeoutFlag = flags.Contains("timeout") || spec.Timeout is not null;
            s.Constant = flags.Contains("constant");
            s.Timeout = spec.Timeout;
            s.Comment = spec.Comment;
            s.Size = spec.Size != 0 ? spec.Size : s.Dynamic ? 65535 : 0;
            t.AddSet(s);
        }
        else if (verb == "create") throw NftException.At(name, "Could not process rule: File exists");
        if (spec.Elements is not null)
            foreach (var e in spec.Elements) s.Add(NftParser.ParseElement(s, e, _now), true);
    }

    public void SetOp(string verb, string fam, NftToken table, NftToken name)
    {
        var t = NeedTable(fam, table);
        var s = t.Set(name.Text);
        if (s is null)
        {
            if (verb == "destroy") return;
            throw NoSuch(name);
        }
        if (verb == "flush") s.Clear();
        else
        {
            if (t.Chains.Any(c => c.Rules.Any(r => r.Exprs.Any(e => e.SetName == s.Name))))
                throw NftException.At(name, "Could not process rule: Device or resource busy");
            t.RemoveSet(s);
        }
    }

    public void Elements(string verb, string fam, NftToken table, NftToken name, List<List<NftToken>> elems)
    {
        var t = NeedTable(fam, table);
        var s = t.Set(name.Text) ?? throw NoSuch(name);
        foreach (var toks in elems)
        {
            var e = NftParser.ParseElement(s, toks, _now, keyOnly: verb is "delete" or "destroy");
            switch (verb)
            {
                case "add":
                    s.Add(e, false);
                    break;
                case "create":
                    if (s.Lookup(e.Lo, _now) is not null) throw NftException.At(toks[0], "Could not process rule: File exists");
                    s.Add(e, false);
                    break;
                case "delete" or "destroy":
                    if (!s.Remove(e) && verb == "delete") throw NftException.At(toks[0], "Could not process rule: No such file or directory");
                    break;
                default:
                    throw NftException.At(toks[0], "syntax error, unexpected element");
            }
        }
    }

    /// <summary>Resolves every jump/goto (rules and verdict map elements) to its chain; a missing chain fails the transaction.</summary>
    public void Resolve()
    {
        foreach (var t in Tables)
        {
            void Bind(NftVerdict v)
            {
                if (v.ChainName is null) return;
                v.Chain = t.Chain(v.ChainName) ?? throw new NftException("Could not process rule: No such file or directory", Current.Line, Current.Column, Current.End);
            }
            foreach (var c in t.Chains)
                foreach (var r in c.Rules)
                    foreach (var e in r.Exprs)
                    {
                        foreach (var v in e.Verdicts) Bind(v);
                        if (e.SetName is { } sn)
                        {
                            var s = t.Set(sn) ?? throw new NftException("Could not process rule: No such file or directory", Current.Line, Current.Column, Current.End);
                            e.Bind(s);
                        }
                    }
            foreach (var s in t.Sets)
                if (s.DataType == NftType.Verdict)
                    foreach (var e in s.Order)
                        if (e.Verdict is { } v) Bind(v);
        }
    }
}
