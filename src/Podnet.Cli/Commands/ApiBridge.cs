using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Serialization;

namespace Podnet.Cli.Commands;

/// <summary>
/// The CLI's single seam to the Api layer's reading, writing, defaulting and validation, so that
/// the commands do not depend on how those are spelled.
/// </summary>
public static class ApiBridge
{
    /// <summary>Reads manifests from files, folders (recursively with <paramref name="recursive"/>) or stdin (<c>-</c>).</summary>
    public static ManifestSet Read(IEnumerable<string> paths, bool recursive, TextReader stdin)
    {
        var set = new ManifestSet();
        foreach (var path in paths)
        {
            set.AddRange(path == "-" ? ManifestReader.Read(stdin) : ManifestReader.ReadPath(path, recursive));
        }
        return set;
    }

    /// <summary>An object as <c>-o yaml</c> prints it.</summary>
    public static string ToYaml(KubeObject obj) => ObjectWriter.ToYaml(obj);

    /// <summary>An object as <c>-o json</c> prints it.</summary>
    public static string ToJson(KubeObject obj) => ObjectWriter.ToJson(obj);

    /// <summary>The object as compact JSON (for the last-applied-configuration annotation).</summary>
    public static string ToCompactJson(KubeObject obj) => KubeObjectCodec.EncodeString(obj);
}
