using System.CommandLine;

namespace Podnet.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("podnet: Kubernetes networking, emulated end to end and explained");
        return root.Parse(args).Invoke();
    }
}
