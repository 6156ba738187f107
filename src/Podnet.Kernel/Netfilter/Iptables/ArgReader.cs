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
        // Word by word without a per-character builder: most words are copied with one Substring;
        // only a quoted word with a \" escape is assembled piecewise.
        var words = new List<string>();
        int i = 0, n = line.Length;
        while (i < n)
        {
            while (i < n && line[i] is ' ' or '\t') i++;
            if (i >= n) break;
            int start = i;
            bool quoted = false;
            while (i < n && line[i] is not (' ' or '\t'))
            {
                if (line[i] == '"')
                {
                    quoted = true;
                    i++;
                    while (i < n && line[i] != '"')
                    {
                        if (line[i] == '\\' && i + 1 < n && line[i + 1] == '"') i++;
                        i++;
                    }
                    if (i >= n) throw new IptablesException("Unterminated quote", IptablesErrorKind.Kernel);
                }
                i++;
            }
            words.Add(quoted ? Unquote(line, start, i) : line.Substring(start, i - start));
        }
        return words;
    }

    private static string Unquote(string line, int start, int end)
    {
        var cur = new System.Text.StringBuilder(end - start);
        bool inQuote = false;
        for (int i = start; i < end; i++)
        {
            char c = line[i];
            if (inQuote)
            {
                if (c == '\\' && i + 1 < end && line[i + 1] == '"') { cur.Append('"'); i++; }
                else if (c == '"') inQuote = false;
                else cur.Append(c);
            }
            else if (c == '"') inQuote = true;
            else cur.Append(c);
        }
        return cur.ToString();
    }
}
