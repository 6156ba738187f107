using System.Text.RegularExpressions;

namespace Podnet.Cluster.Api.Validation;

/// <summary>
/// The string checks of <c>k8s.io/apimachinery/pkg/util/validation</c> (DNS-1123 labels and subdomains,
/// DNS-1035 labels, qualified names, label values, port names), returning the upstream messages
/// word for word so <see cref="FieldError"/>s read as the API server's.
/// </summary>
public static partial class NameValidation
{
    private const string Dns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1123LabelErrMsg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
    private const string Dns1123SubdomainFmt = Dns1123LabelFmt + "(\\." + Dns1123LabelFmt + ")*";
    private const string Dns1123SubdomainErrMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    private const string Dns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1035LabelErrMsg = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
    private const string QualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string QualifiedNameErrMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string LabelValueFmt = "(" + QualifiedNameFmt + ")?";
    private const string LabelValueErrMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string WildcardSubdomainFmt = "\\*\\." + Dns1123SubdomainFmt;
    private const string WildcardSubdomainErrMsg = "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";

    [GeneratedRegex("^" + Dns1123LabelFmt + "$")]
    private static partial Regex Dns1123LabelRegex();

    [GeneratedRegex("^" + Dns1123SubdomainFmt + "$")]
    private static partial Regex Dns1123SubdomainRegex();

    [GeneratedRegex("^" + Dns1035LabelFmt + "$")]
    private static partial Regex Dns1035LabelRegex();

    [GeneratedRegex("^" + QualifiedNameFmt + "$")]
    private static partial Regex QualifiedNameRegex();

    [GeneratedRegex("^" + LabelValueFmt + "$")]
    private static partial Regex LabelValueRegex();

    [GeneratedRegex("^" + WildcardSubdomainFmt + "$")]
    private static partial Regex WildcardSubdomainRegex();

    [GeneratedRegex("^[-a-z0-9]+$")]
    private static partial Regex PortNameCharsetRegex();

    [GeneratedRegex("[a-z]")]
    private static partial Regex PortNameOneLetterRegex();

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex ConfigMapKeyRegex();

    // Fast acceptance: the checks above answer "no errors" without a regex or a list when these hold. Each one
    // accepts only strings the regex path accepts too (and the regex path still decides every other string, so
    // messages are unchanged).
    private static bool IsLowerAlnum(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');

    private static bool IsAlnum(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9');

    private static bool IsDns1123Label(ReadOnlySpan<char> v)
    {
        if (v.Length is 0 or > 63 || !IsLowerAlnum(v[0]) || !IsLowerAlnum(v[^1]))
        {
            return false;
        }

        foreach (var c in v)
        {
            if (!IsLowerAlnum(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDns1123Subdomain(ReadOnlySpan<char> v)
    {
        if (v.Length is 0 or > 253)
        {
            return false;
        }

        var prev = '.';
        foreach (var c in v)
        {
            if (c == '.')
            {
                if (!IsLowerAlnum(prev))
                {
                    return false;
                }
            }
            else if (c == '-')
            {
                if (prev == '.')
                {
                    return false;
                }
            }
            else if (!IsLowerAlnum(c))
            {
                return false;
            }

            prev = c;
        }

        return IsLowerAlnum(prev);
    }

    private static bool IsQualifiedNamePart(ReadOnlySpan<char> v)
    {
        if (v.Length is 0 or > 63 || !IsAlnum(v[0]) || !IsAlnum(v[^1]))
        {
            return false;
        }

        foreach (var c in v)
        {
            if (!IsAlnum(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPortName(string v)
    {
        if (v.Length is 0 or > 15 || v[0] == '-' || v[^1] == '-' || v.Contains("--", StringComparison.Ordinal))
        {
            return false;
        }

        var letter = false;
        foreach (var c in v)
        {
            if (c is >= 'a' and <= 'z')
            {
                letter = true;
            }
            else if (c is not ((>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }

        return letter;
    }

    /// <summary><c>validation.MaxLenError</c>.</summary>
    public static string MaxLenError(int length) => $"must be no more than {length} characters";

    /// <summary><c>validation.EmptyError</c>.</summary>
    public static string EmptyError() => "must be non-empty";

    /// <summary><c>validation.InclusiveRangeError</c>.</summary>
    public static string InclusiveRangeError(int lo, int hi) => $"must be between {lo} and {hi}, inclusive";

    /// <summary><c>validation.RegexError</c>: the message, the examples and the regex, in upstream's exact punctuation.</summary>
    public static string RegexError(string msg, string fmt, params string[] examples)
    {
        if (examples.Length == 0)
        {
            return msg + " (regex used for validation is '" + fmt + "')";
        }

        msg += " (e.g. ";
        for (var i = 0; i < examples.Length; i++)
        {
            if (i > 0)
            {
                msg += " or ";
            }

            msg += "'" + examples[i] + "', ";
        }

        return msg + "regex used for validation is '" + fmt + "')";
    }

    /// <summary><c>IsDNS1123Label</c>: namespace names, Service port names' DNS form, hostnames.</summary>
    public static IReadOnlyList<string> Dns1123LabelErrors(string value)
    {
        if (IsDns1123Label(value))
        {
            return [];
        }

        var errs = new List<string>();
        if (value.Length > 63)
        {
            errs.Add(MaxLenError(63));
        }

        if (!Dns1123LabelRegex().IsMatch(value))
        {
            errs.Add(Dns1123SubdomainRegex().IsMatch(value)
                ? "must not contain dots"
                : RegexError(Dns1123LabelErrMsg, Dns1123LabelFmt, "my-name", "123-abc"));
        }

        return errs;
    }

    /// <summary><c>IsDNS1123Subdomain</c>: names of most kinds (Pod, Deployment, NetworkPolicy, ...).</summary>
    public static IReadOnlyList<string> Dns1123SubdomainErrors(string value)
    {
        if (IsDns1123Subdomain(value))
        {
            return [];
        }

        var errs = new List<string>();
        if (value.Length > 253)
        {
            errs.Add(MaxLenError(253));
        }

        if (!Dns1123SubdomainRegex().IsMatch(value))
        {
            errs.Add(RegexError(Dns1123SubdomainErrMsg, Dns1123SubdomainFmt, "example.com"));
        }

        return errs;
    }

    /// <summary><c>IsDNS1035Label</c>: Service names.</summary>
    public static IReadOnlyList<string> Dns1035LabelErrors(string value)
    {
        if (value.Length is > 0 and <= 63 && value[0] is >= 'a' and <= 'z' && IsDns1123Label(value))
        {
            return [];
        }

        var errs = new List<string>();
        if (value.Length > 63)
        {
            errs.Add(MaxLenError(63));
        }

        if (!Dns1035LabelRegex().IsMatch(value))
        {
            errs.Add(RegexError(Dns1035LabelErrMsg, Dns1035LabelFmt, "my-name", "abc-123"));
        }

        return errs;
    }

    /// <summary><c>IsWildcardDNS1123Subdomain</c> (Ingress hosts starting with <c>*.</c>).</summary>
    public static IReadOnlyList<string> WildcardDns1123SubdomainErrors(string value)
    {
        var errs = new List<string>();
        if (value.Length > 253)
        {
            errs.Add(MaxLenError(253));
        }

        if (!WildcardSubdomainRegex().IsMatch(value))
        {
            errs.Add(RegexError(WildcardSubdomainErrMsg, WildcardSubdomainFmt, "*.example.com"));
        }

        return errs;
    }

    /// <summary><c>IsQualifiedName</c>: label and annotation keys (<c>[prefix/]name</c>).</summary>
    public static IReadOnlyList<string> QualifiedNameErrors(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 ? IsQualifiedNamePart(value) :
            value.IndexOf('/', slash + 1) < 0 && IsDns1123Subdomain(value.AsSpan(0, slash)) && IsQualifiedNamePart(value.AsSpan(slash + 1)))
        {
            return [];
        }

        var errs = new List<string>();
        var parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                var prefix = parts[0];
                name = parts[1];
                if (prefix.Length == 0)
                {
                    errs.Add("prefix part " + EmptyError());
                }
                else
                {
                    foreach (var m in Dns1123SubdomainErrors(prefix))
                    {
                        errs.Add("prefix part " + m);
                    }
                }

                break;
            default:
                return ["a qualified name " + RegexError(QualifiedNameErrMsg, QualifiedNameFmt, "MyName", "my.name", "123-abc") +
                        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
        }

        if (name.Length == 0)
        {
            errs.Add("name part " + EmptyError());
        }
        else if (name.Length > 63)
        {
            errs.Add("name part " + MaxLenError(63));
        }

        if (!QualifiedNameRegex().IsMatch(name))
        {
            errs.Add("name part " + RegexError(QualifiedNameErrMsg, QualifiedNameFmt, "MyName", "my.name", "123-abc"));
        }

        return errs;
    }

    /// <summary><c>IsValidLabelValue</c>.</summary>
    public static IReadOnlyList<string> LabelValueErrors(string value)
    {
        if (value.Length == 0 || IsQualifiedNamePart(value))
        {
            return [];
        }

        var errs = new List<string>();
        if (value.Length > 63)
        {
            errs.Add(MaxLenError(63));
        }

        if (!LabelValueRegex().IsMatch(value))
        {
            errs.Add(RegexError(LabelValueErrMsg, LabelValueFmt, "MyValue", "my_value", "12345"));
        }

        return errs;
    }

    /// <summary><c>IsValidPortName</c> (IANA_SVC_NAME: container port names, named target ports).</summary>
    public static IReadOnlyList<string> PortNameErrors(string port)
    {
        if (IsPortName(port))
        {
            return [];
        }

        var errs = new List<string>();
        if (port.Length > 15)
        {
            errs.Add(MaxLenError(15));
        }

        if (!PortNameCharsetRegex().IsMatch(port))
        {
            errs.Add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }

        if (!PortNameOneLetterRegex().IsMatch(port))
        {
            errs.Add("must contain at least one letter (a-z)");
        }

        if (port.Contains("--", StringComparison.Ordinal))
        {
            errs.Add("must not contain consecutive hyphens");
        }

        if (port.Length > 0 && (port[0] == '-' || port[^1] == '-'))
        {
            errs.Add("must not begin or end with a hyphen");
        }

        return errs;
    }

    /// <summary><c>IsConfigMapKey</c> (ConfigMap and Secret data keys).</summary>
    public static IReadOnlyList<string> ConfigMapKeyErrors(string value)
    {
        var errs = new List<string>();
        if (value.Length > 253)
        {
            errs.Add(MaxLenError(253));
        }

        if (!ConfigMapKeyRegex().IsMatch(value))
        {
            errs.Add(RegexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", "[-._a-zA-Z0-9]+", "key.name", "KEY_NAME", "key-name"));
        }

        if (value == ".")
        {
            errs.Add("must not be '.'");
        }
        else if (value == "..")
        {
            errs.Add("must not be '..'");
        }
        else if (value.StartsWith("..", StringComparison.Ordinal))
        {
            errs.Add("must not start with '..'");
        }

        return errs;
    }
}
