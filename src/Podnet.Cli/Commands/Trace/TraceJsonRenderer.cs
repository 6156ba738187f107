using System.Text;
using System.Text.Json;
using Podnet.Kernel.Tracing;

namespace Podnet.Cli.Commands.Trace;

/// <summary>Renders a <see cref="ConnectionTrace"/> as JSON (<c>podnet trace -o json</c>): the same hops and steps as the text, with each step's typed attributes.</summary>
public static class TraceJsonRenderer
{
    /// <summary>The JSON text of <paramref name="trace"/> (indented, ending with a newline).</summary>
    public static string Render(ConnectionTrace trace)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            Write(w, trace);
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Writes <paramref name="trace"/> as one JSON object.</summary>
    public static void Write(Utf8JsonWriter w, ConnectionTrace trace)
    {
        w.WriteStartObject();
        w.WriteString("source", trace.Source);
        w.WriteString("sourceDescription", trace.SourceDescription);
        w.WriteString("sourceAddress", trace.SourceAddress);
        w.WriteString("destination", trace.Destination);
        w.WriteString("destinationDescription", trace.DestinationDescription);
        if (trace.DestinationAddress is null)
        {
            w.WriteNull("destinationAddress");
        }
        else
        {
            w.WriteString("destinationAddress", trace.DestinationAddress);
        }

        w.WriteString("protocol", trace.Protocol);
        w.WriteNumber("port", trace.Port);
        if (trace.Lookup is { } lookup)
        {
            w.WriteStartObject("dns");
            w.WriteString("name", lookup.Name);
            w.WriteString("outcome", lookup.Outcome);
            w.WriteStartArray("candidates");
            foreach (var (name, result) in lookup.Candidates)
            {
                w.WriteStartObject();
                w.WriteString("name", name);
                w.WriteString("result", result);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("flows");
            foreach (var f in lookup.Flows)
            {
                WriteHops(w, f, trace.Places);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        if (trace.Flow is { } flow)
        {
            w.WritePropertyName("hops");
            WriteHops(w, flow, trace.Places);
        }

        w.WriteNumber("frames", trace.Frames.Count);
        w.WriteString("outcome", trace.Outcome.ToString());
        w.WriteString("outcomeText", trace.OutcomeText);
        w.WriteEndObject();
    }

    private static void WriteHops(Utf8JsonWriter w, FlowTrace flow, IReadOnlyDictionary<string, string> places)
    {
        w.WriteStartArray();
        foreach (var h in flow.Hops)
        {
            w.WriteStartObject();
            w.WriteString("namespace", h.Namespace);
            w.WriteString("where", places.TryGetValue(h.Namespace, out var p) ? p : h.Namespace);
            if (h.Device is null)
            {
                w.WriteNull("device");
            }
            else
            {
                w.WriteString("device", h.Device);
            }

            w.WriteStartArray("steps");
            foreach (var s in h.Steps)
            {
                w.WriteStartObject();
                w.WriteString("kind", s.Kind.ToString());
                w.WriteString("text", s.Text);
                if (s.Attributes is { Count: > 0 } attrs)
                {
                    w.WriteStartObject("attributes");
                    foreach (var (k, v) in attrs.OrderBy(a => a.Key, StringComparer.Ordinal))
                    {
                        w.WriteString(k, v);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
