using System.Text;

namespace Podnet.Kernel.Tools;

/// <summary>Splits a command line into words as a POSIX shell would for simple input (spaces, single and double quotes, backslash).</summary>
public static class CommandLine
{
    public static List<string> Split(string line)
    {
        var words = new List<string>();
        var cur = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else if (c == '\\' && quote == '"' && i + 1 < line.Length) cur.Append(line[++i]);
                else cur.Append(c);
                continue;
            }
            if (c is '\'' or '"') { quote = c; inWord = true; continue; }
            if (c == '\\' && i + 1 < line.Length) { cur.Append(line[++i]); inWord = true; continue; }
            if (char.IsWhiteSpace(c))
            {
                if (inWord) { words.Add(cur.ToString()); cur.Clear(); inWord = false; }
                continue;
            }
            cur.Append(c);
            inWord = true;
        }
        if (inWord) words.Add(cur.ToString());
        return words;
    }
}
