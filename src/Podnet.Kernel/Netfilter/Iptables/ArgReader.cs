namespace Podnet.Kernel.Netfilter.Iptables;

/// <summary>Walks the words of one iptables rule.</summary>
internal sealed class ArgReader(IReadOnlyList<string> words)
{
    private int _i;

    public bool AtEnd => _i >= words.Count;
    public string Peek() => words[_i];
    public string Take() => words[_i++];

    public string Value(string option)
    {
        if (_i >= words.Count || (words[_i].StartsWith('-') && words[_i].Length > 1 && !char.IsDigit(words[_i][1])))
            throw new IptablesException($"option \"{option}\" requires an argument");
        return words[_i++];
    }

    /// <summary>Splits a rule line into words, honouring double quotes (as iptables-restore does).</summary>
    public static List<string> Split(string line)
    {
        var words = new List<string>();
        var cur = new System.Text.StringBuilder();
        bool inQuote = false, any = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (inQuote)
            {
                if (c == '\\' && i + 1 < line.Length && line[i + 1] == '"') { cur.Append('"'); i++; }
                else if (c == '"') inQuote = false;
                else cur.Append(c);
            }
            else if (c == '"') { inQuote = true; any = true; }
            else if (c == ' ' || c == '\t')
            {
                if (any || cur.Length > 0) words.Add(cur.ToString());
                cur.Clear();
                any = false;
            }
            else cur.Append(c);
        }
        if (inQuote) throw new IptablesException("Unterminated quote", IptablesErrorKind.Kernel);
        if (any || cur.Length > 0) words.Add(cur.ToString());
        return words;
    }
}
