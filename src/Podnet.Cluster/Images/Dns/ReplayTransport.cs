using System.Net;
using Podnet.Cluster.Dns.Resolver;
using Podnet.Cluster.Dns.Wire;

namespace Podnet.Cluster.Images.Dns;

/// <summary>
/// Bridges the DNS part's synchronous stub resolver to the asynchronous emulated network: the
/// resolver is run, and when it needs an exchange that has not happened yet the run stops
/// (<see cref="NeedExchange"/>); the caller performs the exchange over UDP, records the answer
/// and runs the resolver again from the start. The resolver is deterministic, so each rerun
/// replays the recorded exchanges and goes one step further.
/// </summary>
public sealed class ReplayTransport : IResolverTransport
{
    private readonly Dictionary<string, DnsMessage?> _answers = [];

    /// <summary>Thrown inside the resolver when an exchange is missing.</summary>
    public sealed class NeedExchange(IPAddress server, DnsMessage query) : Exception("DNS exchange needed")
    {
        /// <summary>The server asked.</summary>
        public IPAddress Server { get; } = server;

        /// <summary>The query to send.</summary>
        public DnsMessage Query { get; } = query;
    }

    private static string Key(IPAddress server, DnsMessage q) =>
        server + " " + string.Join(",", q.Questions.Select(x => x.Name + "/" + x.Type));

    /// <summary>Records the answer (null = timeout) to an exchange.</summary>
    public void Record(IPAddress server, DnsMessage query, DnsMessage? answer) => _answers[Key(server, query)] = answer;

    /// <summary>Exchanges made, in order.</summary>
    public int Count => _answers.Count;

    /// <inheritdoc/>
    public DnsMessage? Exchange(IPAddress server, DnsMessage query)
    {
        if (_answers.TryGetValue(Key(server, query), out var a))
        {
            if (a is null) return null;
            var copy = new DnsMessage { Header = a.Header with { Id = query.Header.Id } };
            copy.Questions.AddRange(a.Questions);
            copy.Answers.AddRange(a.Answers);
            copy.Authority.AddRange(a.Authority);
            copy.Additional.AddRange(a.Additional);
            return copy;
        }
        throw new NeedExchange(server, query);
    }
}
