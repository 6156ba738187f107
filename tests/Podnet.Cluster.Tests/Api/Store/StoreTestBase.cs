using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.Api.Store;

namespace Podnet.Cluster.Tests.Api.Store;

/// <summary>Temporary folders and manifests for store tests.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "podnet-api-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Reads a store file directly, beside the store (a connection of its own, not pooled).</summary>
internal static class SqliteFile
{
    public static object? Scalar(string db, string sql)
    {
        using var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}

internal static class Manifests
{
    public static List<(KubeObject, string?)> Read(string yaml, string source = "app.yaml") =>
        ManifestReader.ReadText(yaml, source).Items.Select(i => (i.Object, (string?)i.Source)).ToList();

    public const string App = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: shop
        spec:
          selector:
            app: web
          ports:
          - port: 80
            targetPort: 8080
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: web
                image: nginx
        """;

    public static IObjectStore Memory() => new MemoryObjectStore();
}
