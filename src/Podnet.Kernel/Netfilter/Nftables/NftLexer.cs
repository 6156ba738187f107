using System.Text;

namespace Podnet.Kernel.Netfilter.Nftables;

/// <summary>A token of nft syntax with where it came from (for error carets).</summary>
internal readonly record struct NftToken(string Text, int Line, int Column, bool Quoted = false)
{
    public bool IsNewline => Text == "\n" && !Quoted;
    public int End => Column + Math.Max(1, Text.Length + (Quoted ? 2 : 0)) - 1;
}

/// <summary>Splits nft input into words, quoted strings, and the punctuation <c>{ } ; , \n</c>; <c>#</c> starts a comment.</summary>
internal static class NftLexer
{
    public static List<NftToken> Lex(string text, out string[] lines)
    {
        lines = text.Split('\n');
        var tokens = new List<NftToken>();
        for (int ln = 0; ln < lines.Length; ln++)
        {
            var s = lines[ln].TrimEnd('\r');
            int i = 0;
            while (i < s.Length)
            {
                char c = s[i];
                if (c == ' ' || c == '\t') { i++; continue; }
                if (c == '#') break;
                if (c == '"')
                {
                    int start = i++;
                    var sb = new StringBuilder();
                    while (i < s.Length && s[i] != '"') sb.Append(s[i++]);
                    if (i >= s.Length) throw new NftException("unterminated string", ln + 1, start + 1, s.Length);
                    i++;
                    tokens.Add(new NftToken(sb.ToString(), ln + 1, start + 1, true));
                    continue;
                }
                if (c is '{' or '}' or ';' || (c == ',' && (i + 1 >= s.Length || s[i + 1] is ' ' or '\t')))
                {
                    tokens.Add(new NftToken(c.ToString(), ln + 1, i + 1));
                    i++;
                    continue;
                }
                int b = i;
                // a comma directly followed by a word stays inside it (established,related)
                while (i < s.Length && s[i] is not (' ' or '\t' or '{' or '}' or ';' or '"' or '#')
                       && !(s[i] == ',' && (i + 1 >= s.Length || s[i + 1] is ' ' or '\t'))) i++;
                var word = s[b..i];
                // "a:b" inside maps is often written with spaces; "0:" forms are split here
                if (word.Length > 1 && word.EndsWith(':') && !word.StartsWith(':'))
                {
                    tokens.Add(new NftToken(word[..^1], ln + 1, b + 1));
                    tokens.Add(new NftToken(":", ln + 1, i));
                }
                else tokens.Add(new NftToken(word, ln + 1, b + 1));
            }
            tokens.Add(new NftToken("\n", ln + 1, s.Length + 1));
        }
        return tokens;
    }
}

/// <summary>An nft error with the position nft points at.</summary>
internal sealed class NftException(string message, int line, int column, int endColumn, int underlineFrom = 0, int underlineTo = 0) : Exception(message)
{
    public int Line { get; } = line;
    public int Column { get; } = column;
    public int EndColumn { get; } = endColumn;
    /// <summary>A second range drawn with '~' (the statement the error belongs to), or 0.</summary>
    public int UnderlineFrom { get; } = underlineFrom;
    public int UnderlineTo { get; } = underlineTo;

    public static NftException At(NftToken t, string message) => new(message, t.Line, t.Column, t.End);
}
