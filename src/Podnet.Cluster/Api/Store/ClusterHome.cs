using Podnet.Cluster.Api.Validation;

namespace Podnet.Cluster.Api.Store;

/// <summary>
/// The clusters of one user, side by side, like kubeconfig contexts: <c>$PODNET_HOME</c> (default
/// <c>~/.podnet</c>) holds <c>clusters/&lt;name&gt;/cluster.db</c> per cluster and a <c>current</c> file
/// naming the current one. These are the primitives; the CLI wires <c>podnet cluster create|list|use|delete</c>.
/// </summary>
public sealed class ClusterHome
{
    /// <summary>The file name of a cluster's database.</summary>
    public const string DatabaseFile = "cluster.db";

    /// <summary>Uses <paramref name="root"/>, or <c>$PODNET_HOME</c>, or <c>~/.podnet</c>.</summary>
    public ClusterHome(string? root = null)
    {
        var env = Environment.GetEnvironmentVariable("PODNET_HOME");
        Root = root ?? (string.IsNullOrEmpty(env)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".podnet")
            : env);
    }

    /// <summary>The home folder.</summary>
    public string Root { get; }

    private string ClustersDir => Path.Combine(Root, "clusters");

    private string CurrentFile => Path.Combine(Root, "current");

    /// <summary>The folder of a cluster.</summary>
    public string ClusterDir(string name) => Path.Combine(ClustersDir, name);

    /// <summary>The database path of a cluster.</summary>
    public string DatabasePath(string name) => Path.Combine(ClusterDir(name), DatabaseFile);

    /// <summary>Whether a cluster exists.</summary>
    public bool Exists(string name) => File.Exists(DatabasePath(name));

    /// <summary>Cluster names, sorted.</summary>
    public IReadOnlyList<string> List() =>
        Directory.Exists(ClustersDir)
            ? Directory.GetDirectories(ClustersDir).Where(d => File.Exists(Path.Combine(d, DatabaseFile))).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>The current cluster's name, or null when none is set (or it was deleted).</summary>
    public string? Current
    {
        get
        {
            if (!File.Exists(CurrentFile))
            {
                return null;
            }

            var name = File.ReadAllText(CurrentFile).Trim();
            return name.Length > 0 && Exists(name) ? name : null;
        }
    }

    /// <summary>
    /// Creates a cluster's database and makes it current. Throws <see cref="InvalidOperationException"/> with
    /// kind's message when it exists, <see cref="ArgumentException"/> when the name is not a DNS-1123 label.
    /// </summary>
    public SqliteObjectStore Create(string name)
    {
        var errs = NameValidation.Dns1123LabelErrors(name);
        if (errs.Count > 0)
        {
            throw new ArgumentException($"invalid cluster name \"{name}\": {string.Join("; ", errs)}", nameof(name));
        }

        if (Exists(name))
        {
            throw new InvalidOperationException($"failed to create cluster: node(s) already exist for a cluster with the name \"{name}\"");
        }

        Directory.CreateDirectory(ClusterDir(name));
        var store = new SqliteObjectStore(DatabasePath(name));
        Use(name);
        return store;
    }

    /// <summary>Makes a cluster current (like <c>kubectl config use-context</c>).</summary>
    public void Use(string name)
    {
        if (!Exists(name))
        {
            throw new InvalidOperationException($"no cluster exists with the name \"{name}\"");
        }

        Directory.CreateDirectory(Root);
        var tmp = CurrentFile + ".tmp";
        File.WriteAllText(tmp, name + "\n");
        File.Move(tmp, CurrentFile, overwrite: true);
    }

    /// <summary>Opens an existing cluster's store.</summary>
    public SqliteObjectStore Open(string name)
    {
        if (!Exists(name))
        {
            throw new InvalidOperationException($"no cluster exists with the name \"{name}\"");
        }

        return new SqliteObjectStore(DatabasePath(name));
    }

    /// <summary>Opens the current cluster's store, or null when there is no current cluster.</summary>
    public SqliteObjectStore? OpenCurrent() => Current is { } c ? Open(c) : null;

    /// <summary>Deletes a cluster (its folder); clears <c>current</c> if it pointed there. Returns false when it did not exist.</summary>
    public bool Delete(string name)
    {
        if (!Directory.Exists(ClusterDir(name)))
        {
            return false;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(ClusterDir(name), recursive: true);
        if (File.Exists(CurrentFile) && File.ReadAllText(CurrentFile).Trim() == name)
        {
            File.Delete(CurrentFile);
        }

        return true;
    }
}
