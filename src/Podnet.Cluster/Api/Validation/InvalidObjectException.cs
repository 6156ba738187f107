using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Validation;

/// <summary>
/// The API server's 422 Invalid status for an object (Go: <c>apierrors.NewInvalid</c>) with both renderings:
/// <see cref="Exception.Message"/> is the status message (<c>Service "web" is invalid: [a, b]</c>, group-qualified
/// kind), <see cref="KubectlMessage"/> is what kubectl prints for it (<c>The Service "web" is invalid: ...</c>,
/// several causes as <c>* </c> lines).
/// </summary>
public sealed class InvalidObjectException : Exception
{
    /// <summary>Creates the error.</summary>
    public InvalidObjectException(string kind, string group, string name, IReadOnlyList<FieldError> errors)
        : base(StatusMessage(kind, group, name, errors))
    {
        Kind = kind;
        Group = group;
        ObjectName = name;
        Errors = errors;
    }

    /// <summary>Creates the error for an object.</summary>
    public InvalidObjectException(KubeObject obj, IReadOnlyList<FieldError> errors)
        : this(obj.Kind, KindRegistry.For(obj)?.Group ?? "", obj.Name, errors)
    {
    }

    /// <summary>The kind.</summary>
    public string Kind { get; }

    /// <summary>The API group ("" for core).</summary>
    public string Group { get; }

    /// <summary>The object's name.</summary>
    public string ObjectName { get; }

    /// <summary>The causes.</summary>
    public IReadOnlyList<FieldError> Errors { get; }

    /// <summary>kubectl's rendering (<c>cmdutil.CheckErr</c> for an Invalid status), ending with a newline.</summary>
    public string KubectlMessage => KubectlText(Kind, ObjectName, Errors);

    /// <summary>kubectl's text for an Invalid status with these causes.</summary>
    public static string KubectlText(string kind, string name, IReadOnlyList<FieldError> errors)
    {
        var prefix = $"The {kind} \"{name}\" is invalid: ";
        if (errors.Count == 1)
        {
            return prefix + errors[0] + "\n";
        }

        var sb = new System.Text.StringBuilder(prefix).Append('\n');
        foreach (var e in errors)
        {
            sb.Append("* ").Append(e).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The API status message: <c>Kind[.group] "name" is invalid: err</c> or <c>[err1, err2]</c>.</summary>
    public static string StatusMessage(string kind, string group, string name, IReadOnlyList<FieldError> errors)
    {
        var qualified = group.Length == 0 ? kind : kind + "." + group;
        var agg = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors) + "]";
        return $"{qualified} \"{name}\" is invalid: {agg}";
    }
}
