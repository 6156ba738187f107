namespace Podnet.Cli.Commands;

/// <summary>
/// Where clusters live (<c>$PODNET_HOME/clusters/&lt;name&gt;/</c>) and which one is current
/// (<c>$PODNET_HOME/current-cluster</c>, like kubeconfig's <c>current-context</c>).
/// </summary>
public sealed class ClusterHome
{
    /// <summary>Creates the view of <paramref name="home"/>.</summary>
    public ClusterHome(string home)
    {
        Home = home;
    }

    /// <summary>The Podnet home folder.</summary>
    public string Home { get; }

    /// <summary>The folder holding all clusters.</summary>
    public string ClustersFolder => Path.Combine(Home, "clusters");

    /// <summary>The folder of one cluster.</summary>
    public string FolderOf(string name) => Path.Combine(ClustersFolder, name);

    /// <summary>Whether a cluster exists.</summary>
    public bool Exists(string name) => Directory.Exists(FolderOf(name));

    /// <summary>Names of all clusters, sorted.</summary>
    public IReadOnlyList<string> List() =>
        Directory.Exists(ClustersFolder)
            ? Directory.GetDirectories(ClustersFolder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];

    private string CurrentFile => Path.Combine(Home, "current-cluster");

    /// <summary>The current cluster's name, or null when none is set.</summary>
    public string? Current
    {
        get
        {
            if (!File.Exists(CurrentFile))
            {
                return null;
            }
            var name = File.ReadAllText(CurrentFile).Trim();
            return name.Length == 0 ? null : name;
        }
        set
        {
            Directory.CreateDirectory(Home);
            if (value is null)
            {
                File.Delete(CurrentFile);
            }
            else
            {
                File.WriteAllText(CurrentFile, value + "\n");
            }
        }
    }

    /// <summary>The cluster a command uses: <c>--cluster</c>, else the current one, else a clear error.</summary>
    public string Resolve(string? requested)
    {
        var name = requested ?? Current;
        if (name is null)
        {
            throw new KubectlException("error: no current cluster: create one with 'podnet cluster create' or choose one with 'podnet cluster use NAME'");
        }
        if (!Exists(name))
        {
            throw new KubectlException($"error: cluster \"{name}\" does not exist (see 'podnet cluster list')");
        }
        return name;
    }
}
