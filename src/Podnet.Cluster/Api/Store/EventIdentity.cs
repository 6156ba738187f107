using System.Text.Json;

namespace Podnet.Cluster.Api.Store;

/// <summary>
/// What identifies a stored core/v1 Event without decoding it: its key, the object it is about
/// (<c>involvedObject</c> kind, namespace, name, uid) and its reason and message. This is what client-go's
/// event recorder compares to aggregate a repeated event and what the garbage collector needs to drop
/// events about objects that are gone (the informer-side view a controller keeps of Events).
/// </summary>
/// <param name="Namespace">The Event's namespace.</param>
/// <param name="Name">The Event's name.</param>
/// <param name="InvolvedKind"><c>involvedObject.kind</c>.</param>
/// <param name="InvolvedNamespace"><c>involvedObject.namespace</c>.</param>
/// <param name="InvolvedName"><c>involvedObject.name</c>.</param>
/// <param name="InvolvedUid"><c>involvedObject.uid</c>.</param>
/// <param name="Reason"><c>reason</c>.</param>
/// <param name="Message"><c>message</c>.</param>
public sealed record EventIdentity(
    string Namespace,
    string Name,
    string? InvolvedKind,
    string? InvolvedNamespace,
    string? InvolvedName,
    string? InvolvedUid,
    string? Reason,
    string? Message)
{
    /// <summary>
    /// Reads the identity from an Event's stored JSON, streaming over it (no object is built). Fields are read
    /// as the decoder reads them: the last of duplicate fields wins, a number or boolean where text is
    /// expected is its text, a null is absent. <paramref name="strings"/> shares repeated values (kinds,
    /// reasons, namespaces) between identities.
    /// </summary>
    public static EventIdentity Read(string ns, string name, ReadOnlySpan<byte> body, Dictionary<string, string>? strings = null)
    {
        string? kind = null, involvedNs = null, involvedName = null, uid = null, reason = null, message = null;
        var reader = new Utf8JsonReader(body);
        if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("involvedObject"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        kind = involvedNs = involvedName = uid = null;
                        continue;
                    }

                    kind = involvedNs = involvedName = uid = null; // a repeated involvedObject replaces the earlier one
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("kind"u8))
                        {
                            kind = Text(ref reader, strings);
                        }
                        else if (reader.ValueTextEquals("namespace"u8))
                        {
                            involvedNs = Text(ref reader, strings);
                        }
                        else if (reader.ValueTextEquals("name"u8))
                        {
                            involvedName = Text(ref reader, null);
                        }
                        else if (reader.ValueTextEquals("uid"u8))
                        {
                            uid = Text(ref reader, null);
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
                else if (reader.ValueTextEquals("reason"u8))
                {
                    reason = Text(ref reader, strings);
                }
                else if (reader.ValueTextEquals("message"u8))
                {
                    message = Text(ref reader, null);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }

        return new EventIdentity(ns, name, kind, involvedNs, involvedName, uid, reason, message);
    }

    // The next value as the lenient string decoder reads it.
    private static string? Text(ref Utf8JsonReader reader, Dictionary<string, string>? strings)
    {
        reader.Read();
        string? text = reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            _ => null,
        };
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
        }

        if (text is not null && strings is not null)
        {
            if (strings.TryGetValue(text, out var shared))
            {
                return shared;
            }

            strings[text] = text;
        }

        return text;
    }
}
