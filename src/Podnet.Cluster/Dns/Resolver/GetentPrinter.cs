using System.Text;

namespace Podnet.Cluster.Dns.Resolver;

/// <summary>glibc <c>getent hosts NAME</c>: <c>gethostbyname2(AF_INET6)</c> first, <c>gethostbyname2(AF_INET)</c>
/// when that finds nothing, one line per address as <c>printf("%-15s %s", address, h_name)</c> followed by the
/// aliases (names that were CNAMEs); exit status 2 and no output when the key is not found.</summary>
public static class GetentPrinter
{
    /// <summary>Runs the two lookups as getent does and prints the result; returns the exit code too.</summary>
    public static (string Output, int ExitCode, IReadOnlyList<ResolutionResult> Lookups) Hosts(StubResolver resolver, string name)
    {
        var v6 = resolver.Resolve(name, AddressRequest.V6);
        if (v6.Outcome == ResolverOutcome.Found) return (Print(v6), 0, [v6]);
        var v4 = resolver.Resolve(name, AddressRequest.V4);
        return v4.Outcome == ResolverOutcome.Found ? (Print(v4), 0, [v6, v4]) : ("", 2, [v6, v4]);
    }

    /// <summary>The lines for one successful lookup.</summary>
    public static string Print(ResolutionResult result)
    {
        var sb = new StringBuilder();
        var hname = (result.CanonicalName ?? result.Name).TrimEnd('.');
        foreach (var a in result.Addresses)
        {
            sb.Append(a.ToString().PadRight(15)).Append(' ').Append(hname);
            foreach (var alias in result.Aliases) sb.Append(' ').Append(alias.TrimEnd('.'));
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
