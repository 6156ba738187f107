using BenchmarkDotNet.Running;
using Podnet.Bench.Api;

namespace Podnet.Bench;

public static class Program
{
    /// <summary>
    /// BenchmarkDotNet's switcher, plus <c>generate-cluster FILE [DIVISOR]</c>: writes issue 2's large
    /// cluster (5000 nodes, 10,000 Deployments × 15, 10,000 Services, 1000 NetworkPolicies, each count
    /// divided by DIVISOR) as YAML for the CLI timings in <c>bench/load-cluster.sh</c>.
    /// </summary>
    public static int Main(string[] args)
    {
        if (args.Length >= 2 && args[0] == "generate-cluster")
        {
            var divisor = args.Length >= 3 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1;
            var l = ClusterGenerator.Large;
            var shape = new ClusterGenerator.Shape(l.Nodes / divisor, Math.Max(1, l.Namespaces / divisor), l.Deployments / divisor, l.ReplicasPerDeployment, l.NetworkPolicies / divisor);
            File.WriteAllText(args[1], ClusterGenerator.ClusterYaml(shape));
            Console.WriteLine($"{args[1]}: {shape}");
            return 0;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
