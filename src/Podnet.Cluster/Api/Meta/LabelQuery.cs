using System.Text;

namespace Podnet.Cluster.Api.Meta;

/// <summary>Operators of a label requirement (Go: <c>selection.Operator</c>).</summary>
public enum LabelOperator
{
    /// <summary><c>key=value</c>.</summary>
    Equals,
    /// <summary><c>key==value</c>.</summary>
    DoubleEquals,
    /// <summary><c>key!=value</c> (also true when the key is absent).</summary>
    NotEquals,
    /// <summary><c>key in (a,b)</c>.</summary>
    In,
    /// <summary><c>key notin (a,b)</c> (also true when the key is absent).</summary>
    NotIn,
    /// <summary><c>key</c>.</summary>
    Exists,
    /// <summary><c>!key</c>.</summary>
    DoesNotExist,
}

/// <summary>One requirement of a label query (Go: <c>labels.Requirement</c>).</summary>
public sealed record LabelRequirement(string Key, LabelOperator Operator, IReadOnlyList<string> Values)
{
    /// <summary>Evaluates the requirement.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var v);
        return Operator switch
        {
            LabelOperator.Equals or LabelOperator.DoubleEquals or LabelOperator.In => has && Values.Contains(v!),
            LabelOperator.NotEquals or LabelOperator.NotIn => !has || !Values.Contains(v!),
            LabelOperator.Exists => has,
            LabelOperator.DoesNotExist => !has,
            _ => false,
        };
    }

    /// <summary>The requirement in selector syntax, as <c>labels.Requirement.String()</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Operator == LabelOperator.DoesNotExist)
        {
            sb.Append('!');
        }

        sb.Append(Key);
        switch (Operator)
        {
            case LabelOperator.Equals: sb.Append('='); break;
            case LabelOperator.DoubleEquals: sb.Append("=="); break;
            case LabelOperator.NotEquals: sb.Append("!="); break;
            case LabelOperator.In: sb.Append(" in "); break;
            case LabelOperator.NotIn: sb.Append(" notin "); break;
            default: return sb.ToString();
        }

        var values = Values.Order(StringComparer.Ordinal).ToList();
        if (Operator is LabelOperator.In or LabelOperator.NotIn)
        {
            sb.Append('(').Append(string.Join(',', values)).Append(')');
        }
        else
        {
            sb.Append(values.Count > 0 ? values[0] : "");
        }

        return sb.ToString();
    }
}

/// <summary>
/// A parsed label query (Go: <c>labels.Selector</c>): the requirements ANDed. Parses kubectl's
/// <c>-l/--selector</c> syntax: <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a in (x,y)</c>, <c>a notin (x)</c>,
/// <c>a</c>, <c>!a</c>, joined by commas.
/// </summary>
public sealed class LabelQuery
{
    /// <summary>Creates a query from requirements (sorted by key, as Kubernetes does).</summary>
    public LabelQuery(IEnumerable<LabelRequirement> requirements)
    {
        Requirements = requirements.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>The query that matches everything.</summary>
    public static LabelQuery Everything { get; } = new([]);

    /// <summary>The requirements, sorted by key.</summary>
    public IReadOnlyList<LabelRequirement> Requirements { get; }

    /// <summary>True when there is no requirement.</summary>
    public bool IsEmpty => Requirements.Count == 0;

    /// <summary>Whether all requirements hold.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var r in Requirements)
        {
            if (!r.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The query text, requirements comma-joined (empty string when empty).</summary>
    public override string ToString() => string.Join(',', Requirements.Select(r => r.ToString()));

    /// <summary>Parses kubectl selector syntax; throws <see cref="FormatException"/> with Kubernetes' message on error.</summary>
    public static LabelQuery Parse(string text)
    {
        if (!TryParse(text, out var q, out var error))
        {
            throw new FormatException(error);
        }

        return q;
    }

    /// <summary>Parses kubectl selector syntax; on failure <paramref name="error"/> holds Kubernetes' message.</summary>
    public static bool TryParse(string text, out LabelQuery query, out string error)
    {
        query = Everything;
        error = "";
        var tokens = Tokenize(text, out error);
        if (tokens is null)
        {
            return false;
        }

        var reqs = new List<LabelRequirement>();
        var pos = 0;
        if (tokens.Count == 1)
        {
            // only the end token: empty selector
            return true;
        }

        while (true)
        {
            var r = ParseRequirement(tokens, ref pos, out error);
            if (r is null)
            {
                return false;
            }

            var keyError = Validation.NameValidation.QualifiedNameErrors(r.Key);
            if (keyError.Count > 0)
            {
                error = $"unable to parse requirement: key: Invalid value: \"{r.Key}\": {string.Join("; ", keyError)}";
                return false;
            }

            foreach (var v in r.Values)
            {
                var valueError = Validation.NameValidation.LabelValueErrors(v);
                if (valueError.Count > 0)
                {
                    error = $"unable to parse requirement: values[0][{r.Key}]: Invalid value: \"{v}\": {string.Join("; ", valueError)}";
                    return false;
                }
            }

            reqs.Add(r);
            var t = tokens[pos];
            if (t.Kind == TokenKind.End)
            {
                break;
            }

            if (t.Kind != TokenKind.Comma)
            {
                error = $"found '{t.Text}', expected: ',' or 'end of string'";
                return false;
            }

            pos++;
            if (tokens[pos].Kind == TokenKind.End)
            {
                error = "found 'end of string', expected: identifier";
                return false;
            }
        }

        query = new LabelQuery(reqs);
        return true;
    }

    private enum TokenKind { Identifier, Equals, DoubleEquals, NotEquals, Not, In, NotIn, Open, Close, Comma, End }

    private readonly record struct Token(TokenKind Kind, string Text);

    private static List<Token>? Tokenize(string s, out string error)
    {
        error = "";
        var list = new List<Token>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            switch (c)
            {
                case ',': list.Add(new(TokenKind.Comma, ",")); i++; continue;
                case '(': list.Add(new(TokenKind.Open, "(")); i++; continue;
                case ')': list.Add(new(TokenKind.Close, ")")); i++; continue;
                case '=':
                    if (i + 1 < s.Length && s[i + 1] == '=') { list.Add(new(TokenKind.DoubleEquals, "==")); i += 2; }
                    else { list.Add(new(TokenKind.Equals, "=")); i++; }
                    continue;
                case '!':
                    if (i + 1 < s.Length && s[i + 1] == '=') { list.Add(new(TokenKind.NotEquals, "!=")); i += 2; }
                    else { list.Add(new(TokenKind.Not, "!")); i++; }
                    continue;
            }

            var start = i;
            while (i < s.Length && !char.IsWhiteSpace(s[i]) && ",()=!".IndexOf(s[i]) < 0)
            {
                i++;
            }

            var word = s[start..i];
            list.Add(word switch
            {
                "in" => new(TokenKind.In, word),
                "notin" => new(TokenKind.NotIn, word),
                _ => new(TokenKind.Identifier, word),
            });
        }

        list.Add(new(TokenKind.End, "end of string"));
        return list;
    }

    private static LabelRequirement? ParseRequirement(List<Token> t, ref int pos, out string error)
    {
        error = "";
        var not = false;
        if (t[pos].Kind == TokenKind.Not)
        {
            not = true;
            pos++;
        }

        if (t[pos].Kind != TokenKind.Identifier)
        {
            error = $"found '{t[pos].Text}', expected: !, identifier, or 'end of string'";
            return null;
        }

        var key = t[pos].Text;
        pos++;
        if (not)
        {
            if (t[pos].Kind is not (TokenKind.Comma or TokenKind.End))
            {
                error = $"found '{t[pos].Text}', expected: ',' or 'end of string'";
                return null;
            }

            return new LabelRequirement(key, LabelOperator.DoesNotExist, []);
        }

        var op = t[pos];
        switch (op.Kind)
        {
            case TokenKind.Comma:
            case TokenKind.End:
                return new LabelRequirement(key, LabelOperator.Exists, []);
            case TokenKind.Equals:
            case TokenKind.DoubleEquals:
            case TokenKind.NotEquals:
                {
                    pos++;
                    var value = "";
                    if (t[pos].Kind == TokenKind.Identifier)
                    {
                        value = t[pos].Text;
                        pos++;
                    }
                    else if (t[pos].Kind is not (TokenKind.Comma or TokenKind.End))
                    {
                        error = $"found '{t[pos].Text}', expected: identifier";
                        return null;
                    }

                    var lop = op.Kind switch
                    {
                        TokenKind.Equals => LabelOperator.Equals,
                        TokenKind.DoubleEquals => LabelOperator.DoubleEquals,
                        _ => LabelOperator.NotEquals,
                    };
                    return new LabelRequirement(key, lop, [value]);
                }

            case TokenKind.In:
            case TokenKind.NotIn:
                {
                    pos++;
                    if (t[pos].Kind != TokenKind.Open)
                    {
                        error = $"found '{t[pos].Text}', expected: '('";
                        return null;
                    }

                    pos++;
                    var values = new List<string>();
                    while (true)
                    {
                        if (t[pos].Kind == TokenKind.Identifier)
                        {
                            values.Add(t[pos].Text);
                            pos++;
                        }
                        else if (t[pos].Kind is TokenKind.Comma or TokenKind.Close)
                        {
                            values.Add("");
                        }
                        else
                        {
                            error = $"found '{t[pos].Text}', expected: ',', ')' or identifier";
                            return null;
                        }

                        if (t[pos].Kind == TokenKind.Comma)
                        {
                            pos++;
                            continue;
                        }

                        if (t[pos].Kind == TokenKind.Close)
                        {
                            pos++;
                            break;
                        }

                        error = $"found '{t[pos].Text}', expected: ',' or ')'";
                        return null;
                    }

                    return new LabelRequirement(key, op.Kind == TokenKind.In ? LabelOperator.In : LabelOperator.NotIn, values.Distinct().ToList());
                }

            default:
                error = $"found '{op.Text}', expected: in, notin, =, ==, !=, gt, lt";
                return null;
        }
    }
}
