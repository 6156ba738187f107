using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Serialization;

/// <summary>
/// The store's JSON encoder (the API server's protobuf/JSON storage codec plays this role for etcd): writes
/// an object to the same bytes as <c>JsonSerializer.SerializeToUtf8Bytes(obj, KubeJson.Options)</c>, but
/// through typed per-property writers built once per type instead of System.Text.Json's general reflection
/// path. The plan of each type is read from System.Text.Json's own metadata for <see cref="KubeJson.Options"/>
/// (property names, order, which properties the omit-empty rule and the extension data cover), so a field
/// added to a model is encoded without touching this class; a type this encoder does not know how to write
/// (a property of an unexpected type) makes the whole object fall back to System.Text.Json.
/// </summary>
internal static class KubeJsonEncoder
{
    private static readonly ConcurrentDictionary<Type, ValueWriter?> Writers = new();
    private static readonly object BuildLock = new();
    [ThreadStatic]
    private static JsonOutput? output;

    /// <summary>Compact UTF-8 JSON of <paramref name="obj"/>, byte for byte what System.Text.Json writes with <see cref="KubeJson.Options"/>.</summary>
    public static byte[] EncodeUtf8(KubeObject obj)
    {
        if (For(obj.GetType()) is not { } plan)
        {
            return JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), KubeJson.Options);
        }

        var o = output ??= new JsonOutput();
        o.Clear();
        plan.WriteBoxed(o, obj);
        var bytes = o.Result().ToArray();
        if (o.Capacity > 1024 * 1024)
        {
            output = null; // do not keep a buffer grown by one huge object
        }

        return bytes;
    }

    /// <summary>
    /// The same bytes as <see cref="EncodeUtf8"/> without copying them into a new array: the span lives in this
    /// thread's buffer and is valid until the thread's next encode (the store copies it into its own buffer).
    /// </summary>
    public static ReadOnlySpan<byte> EncodeUtf8Transient(KubeObject obj)
    {
        if (For(obj.GetType()) is not { } plan)
        {
            return JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), KubeJson.Options);
        }

        var o = output ??= new JsonOutput();
        o.Clear();
        plan.WriteBoxed(o, obj);
        if (o.Capacity > 1024 * 1024)
        {
            output = null; // do not keep a buffer grown by one huge object (the span still holds it)
        }

        return o.Result();
    }

    /// <summary>Whether objects of <paramref name="type"/> are written by this encoder (rather than by the System.Text.Json fallback).</summary>
    public static bool Handles(Type type) => For(type) is not null;

    private static ValueWriter? For(Type type)
    {
        if (Writers.TryGetValue(type, out var known))
        {
            return known;
        }

        lock (BuildLock)
        {
            var pending = new Dictionary<Type, ValueWriter>();
            ValueWriter? built;
            try
            {
                built = Build(type, pending);
            }
            catch (NotSupportedException)
            {
                built = null;
            }

            if (built is not null)
            {
                foreach (var (t, w) in pending)
                {
                    Writers.TryAdd(t, w);
                }
            }

            Writers[type] = built;
            return built;
        }
    }

    // Builds (or finds) the writer of a declared type; throws NotSupportedException for a type it cannot write exactly.
    private static ValueWriter Build(Type type, Dictionary<Type, ValueWriter> pending)
    {
        if (Writers.TryGetValue(type, out var known) && known is not null)
        {
            return known;
        }

        if (pending.TryGetValue(type, out var inProgress))
        {
            return inProgress;
        }

        ValueWriter? simple = Type.GetTypeCode(type) switch
        {
            TypeCode.String => new StringWriter(),
            TypeCode.Int32 => new Int32Writer(),
            TypeCode.Int64 => new Int64Writer(),
            TypeCode.Boolean => new BooleanWriter(),
            _ => null,
        };
        if (simple is null)
        {
            if (type == typeof(DateTimeOffset))
            {
                simple = new TimeWriter();
            }
            else if (type == typeof(IntOrString))
            {
                simple = new IntOrStringWriter();
            }
            else if (type == typeof(JsonElement))
            {
                simple = new ElementWriter();
            }
        }

        if (simple is not null)
        {
            CheckConverter(type, simple);
            pending[type] = simple;
            return simple;
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            var inner = Build(underlying, pending);
            var nullable = (ValueWriter)Activator.CreateInstance(typeof(NullableWriter<>).MakeGenericType(underlying), inner)!;
            pending[type] = nullable;
            return nullable;
        }

        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            var args = type.GetGenericArguments();
            if (definition == typeof(IReadOnlyList<>) || definition == typeof(List<>))
            {
                var element = Build(args[0], pending);
                var list = (ValueWriter)Activator.CreateInstance(typeof(ListWriter<,>).MakeGenericType(type, args[0]), element)!;
                pending[type] = list;
                return list;
            }

            if ((definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(Dictionary<,>)) && args[0] == typeof(string))
            {
                var value = Build(args[1], pending);
                var map = (ValueWriter)Activator.CreateInstance(typeof(MapWriter<,>).MakeGenericType(type, args[1]), value)!;
                pending[type] = map;
                return map;
            }
        }

        if (!type.IsClass || type.IsAbstract || type == typeof(object) || type.Namespace?.StartsWith("Podnet.", StringComparison.Ordinal) != true)
        {
            throw new NotSupportedException(type.FullName);
        }

        var info = KubeJson.Options.GetTypeInfo(type);
        if (info.Kind != JsonTypeInfoKind.Object || info.Converter.GetType().Namespace?.StartsWith("System.Text.Json", StringComparison.Ordinal) != true ||
            info.PolymorphismOptions is not null || info.NumberHandling is not null)
        {
            throw new NotSupportedException(type.FullName);
        }

        var objectWriter = (ValueWriter)Activator.CreateInstance(typeof(ObjectWriter<>).MakeGenericType(type))!;
        pending[type] = objectWriter;
        // System.Text.Json writes the properties in the order of this list, stably sorted by [JsonPropertyOrder];
        // the extension data last.
        var ordered = info.Properties.Select((p, i) => (p, i)).OrderBy(x => x.p.Order).ThenBy(x => x.i).Select(x => x.p).ToList();
        var properties = new List<object>();
        object? extension = null;
        foreach (var p in ordered)
        {
            if (p.AttributeProvider is PropertyInfo ignored &&
                ignored.GetCustomAttribute<System.Text.Json.Serialization.JsonIgnoreAttribute>() is { Condition: System.Text.Json.Serialization.JsonIgnoreCondition.Always })
            {
                continue; // [JsonIgnore]: never written
            }

            if (p.AttributeProvider is not PropertyInfo member || member.GetMethod is not { IsPublic: true } getter || p.Get is null ||
                p.CustomConverter is not null || p.NumberHandling is not null)
            {
                throw new NotSupportedException($"{type.FullName}.{p.Name}");
            }

            var valueWriter = Build(p.PropertyType, pending);
            if (p.IsExtensionData)
            {
                if (p.PropertyType != typeof(Dictionary<string, JsonElement>))
                {
                    throw new NotSupportedException($"{type.FullName}.{p.Name}");
                }

                extension = CreateProperty(type, p, getter, valueWriter, omitEmpty: false);
                continue;
            }

            var omitEmpty = p.ShouldSerialize is not null;
            if (omitEmpty && valueWriter is not (StringWriter or ICollectionWriter))
            {
                throw new NotSupportedException($"{type.FullName}.{p.Name}"); // a ShouldSerialize this encoder does not know
            }

            properties.Add(CreateProperty(type, p, getter, valueWriter, omitEmpty));
        }

        ((IObjectWriter)objectWriter).Initialize(properties, extension);
        return objectWriter;
    }

    private static object CreateProperty(Type owner, JsonPropertyInfo p, MethodInfo getter, ValueWriter valueWriter, bool omitEmpty)
    {
        var getterType = typeof(Func<,>).MakeGenericType(owner, p.PropertyType);
        var get = getter.CreateDelegate(getterType);
        var propertyType = typeof(PropertyWriter<,>).MakeGenericType(owner, p.PropertyType);
        return Activator.CreateInstance(propertyType, JsonOutput.EncodeName(p.Name), get, valueWriter, omitEmpty, p.IsExtensionData)!;
    }

    // A scalar type whose converter in the options is not the one this encoder mirrors cannot be written here.
    private static void CheckConverter(Type type, ValueWriter writer)
    {
        var converter = KubeJson.Options.GetConverter(type);
        var expected = writer switch
        {
            StringWriter => typeof(LenientStringJsonConverter),
            TimeWriter => typeof(KubeTimeJsonConverter),
            IntOrStringWriter => typeof(IntOrStringJsonConverter),
            _ => null,
        };
        if (expected is not null ? converter.GetType() != expected : converter.GetType().Namespace?.StartsWith("System.Text.Json", StringComparison.Ordinal) != true)
        {
            throw new NotSupportedException(type.FullName);
        }
    }

    /// <summary>Writes values of one declared type.</summary>
    private abstract class ValueWriter
    {
        public abstract void WriteBoxed(JsonOutput w, object value);
    }

    private abstract class ValueWriter<T> : ValueWriter
    {
        public abstract void Write(JsonOutput w, T value);

        // What System.Text.Json leaves out under WhenWritingNull (and, with the omit-empty rule, empty strings and collections).
        public virtual bool Omit(T value, bool omitEmpty) => value is null;

        public override void WriteBoxed(JsonOutput w, object value) => Write(w, (T)value);
    }

    private interface ICollectionWriter
    {
    }

    private sealed class StringWriter : ValueWriter<string?>
    {
        public override void Write(JsonOutput w, string? value)
        {
            if (value is null)
            {
                w.Null();
            }
            else
            {
                w.String(value);
            }
        }

        public override bool Omit(string? value, bool omitEmpty) => omitEmpty ? string.IsNullOrEmpty(value) : value is null;
    }

    private sealed class Int32Writer : ValueWriter<int>
    {
        public override void Write(JsonOutput w, int value) => w.Number(value);

        public override bool Omit(int value, bool omitEmpty) => false;
    }

    private sealed class Int64Writer : ValueWriter<long>
    {
        public override void Write(JsonOutput w, long value) => w.Number(value);

        public override bool Omit(long value, bool omitEmpty) => false;
    }

    private sealed class BooleanWriter : ValueWriter<bool>
    {
        public override void Write(JsonOutput w, bool value) => w.Boolean(value);

        public override bool Omit(bool value, bool omitEmpty) => false;
    }

    private sealed class TimeWriter : ValueWriter<DateTimeOffset>
    {
        public override void Write(JsonOutput w, DateTimeOffset value) => w.Time(value);

        public override bool Omit(DateTimeOffset value, bool omitEmpty) => false;
    }

    private sealed class IntOrStringWriter : ValueWriter<IntOrString>
    {
        public override void Write(JsonOutput w, IntOrString value)
        {
            if (value.IsInt)
            {
                w.Number(value.IntValue);
            }
            else
            {
                w.String(value.StringValue);
            }
        }

        public override bool Omit(IntOrString value, bool omitEmpty) => false;
    }

    private sealed class ElementWriter : ValueWriter<JsonElement>
    {
        public override void Write(JsonOutput w, JsonElement value) => w.Element(value);

        public override bool Omit(JsonElement value, bool omitEmpty) => false;
    }

    private sealed class NullableWriter<T>(ValueWriter inner) : ValueWriter<T?>
        where T : struct
    {
        private readonly ValueWriter<T> inner = (ValueWriter<T>)inner;

        public override void Write(JsonOutput w, T? value)
        {
            if (value is { } v)
            {
                inner.Write(w, v);
            }
            else
            {
                w.Null();
            }
        }

        public override bool Omit(T? value, bool omitEmpty) => !value.HasValue;
    }

    private sealed class ListWriter<TList, TElement>(ValueWriter element) : ValueWriter<TList?>, ICollectionWriter
        where TList : class, IReadOnlyCollection<TElement>
    {
        private readonly ValueWriter<TElement> element = (ValueWriter<TElement>)element;

        public override void Write(JsonOutput w, TList? value)
        {
            if (value is null)
            {
                w.Null();
                return;
            }

            w.StartArray();
            if (value is IList<TElement> list)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    element.Write(w, list[i]);
                }
            }
            else
            {
                foreach (var item in value)
                {
                    element.Write(w, item);
                }
            }

            w.EndArray();
        }

        public override bool Omit(TList? value, bool omitEmpty) => value is null || (omitEmpty && value.Count == 0);
    }

    private sealed class MapWriter<TMap, TValue>(ValueWriter value) : ValueWriter<TMap?>, ICollectionWriter
        where TMap : class, IReadOnlyCollection<KeyValuePair<string, TValue>>
    {
        private readonly ValueWriter<TValue> value = (ValueWriter<TValue>)value;

        public override void Write(JsonOutput w, TMap? map)
        {
            if (map is null)
            {
                w.Null();
                return;
            }

            w.StartObject();
            WriteEntries(w, map);
            w.EndObject();
        }

        public void WriteEntries(JsonOutput w, TMap map)
        {
            if (map is Dictionary<string, TValue> dictionary)
            {
                foreach (var (k, v) in dictionary)
                {
                    w.PropertyName(k);
                    value.Write(w, v);
                }
            }
            else
            {
                foreach (var (k, v) in map)
                {
                    w.PropertyName(k);
                    value.Write(w, v);
                }
            }
        }

        public override bool Omit(TMap? value, bool omitEmpty) => value is null || (omitEmpty && value.Count == 0);
    }

    private interface IObjectWriter
    {
        void Initialize(List<object> properties, object? extension);
    }

    private sealed class ObjectWriter<T> : ValueWriter<T?>, IObjectWriter
        where T : class
    {
        private PropertyWriter<T>[] properties = [];
        private PropertyWriter<T>? extension;

        public void Initialize(List<object> properties, object? extension)
        {
            this.properties = properties.Cast<PropertyWriter<T>>().ToArray();
            this.extension = (PropertyWriter<T>?)extension;
        }

        public override void Write(JsonOutput w, T? value)
        {
            if (value is null)
            {
                w.Null();
                return;
            }

            w.StartObject();
            foreach (var p in properties)
            {
                p.Write(w, value);
            }

            extension?.Write(w, value);
            w.EndObject();
        }
    }

    private abstract class PropertyWriter<TOwner>
    {
        public abstract void Write(JsonOutput w, TOwner owner);
    }

    private sealed class PropertyWriter<TOwner, TValue>(byte[] name, Func<TOwner, TValue> get, ValueWriter writer, bool omitEmpty, bool extensionData)
        : PropertyWriter<TOwner>
    {
        private readonly ValueWriter<TValue> writer = (ValueWriter<TValue>)writer;

        public override void Write(JsonOutput w, TOwner owner)
        {
            var value = get(owner);
            if (writer.Omit(value, omitEmpty))
            {
                return;
            }

            if (extensionData)
            {
                // the extension data's entries are written as the object's own properties
                foreach (var (k, v) in (Dictionary<string, JsonElement>)(object)value!)
                {
                    w.PropertyName(k);
                    w.Element(v);
                }

                return;
            }

            w.Raw(name);
            writer.Write(w, value);
        }
    }
}
