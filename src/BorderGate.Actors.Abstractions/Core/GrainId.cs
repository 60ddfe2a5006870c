using System.Text;

namespace BorderGate.Actors;

/// <summary>The identity of a grain: its grain type name and its key. Equality is ordinal.</summary>
public readonly struct GrainId : IEquatable<GrainId>
{
    /// <summary>Creates a grain identity; both parts must be non-empty.</summary>
    public GrainId(string type, string key)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            throw new ArgumentException("A grain type name must not be empty.", nameof(type));
        }

        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException($"A grain key must not be empty (grain type '{type}').", nameof(key));
        }

        Type = type;
        Key = key;
    }

    /// <summary>The grain type name, for example <c>lane</c>.</summary>
    public string Type { get; }

    /// <summary>The key within the type, for example <c>huu-nghi/lane-3</c>.</summary>
    public string Key { get; }

    /// <summary>True for <c>default(GrainId)</c>.</summary>
    public bool IsDefault => Type is null;

    /// <summary>Parses the <c>type/key</c> form produced by <see cref="ToString"/>.</summary>
    public static GrainId Parse(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == value.Length - 1)
        {
            throw new FormatException($"'{value}' is not a grain id of the form type/key.");
        }

        return new GrainId(value[..slash], value[(slash + 1)..]);
    }

    /// <summary>
    /// A hash that is the same in every process and on every machine (FNV-1a over the UTF-8 of <c>type/key</c>, then
    /// MurmurHash3's finalizer), used to partition reminders and placement over silos. The finalizer matters: FNV-1a alone
    /// puts keys that differ in their last characters (<c>crane-1</c>, <c>crane-2</c>) close together on the ring, so that a
    /// silo owning a third of it could own none of them.
    /// </summary>
    public uint GetUniformHashCode()
    {
        const uint offset = 2166136261;
        const uint prime = 16777619;
        var hash = offset;
        hash = Mix(hash, Type);
        hash = (hash ^ '/') * prime;
        hash = Mix(hash, Key);
        hash ^= hash >> 16;
        hash *= 0x85EBCA6B;
        hash ^= hash >> 13;
        hash *= 0xC2B2AE35;
        hash ^= hash >> 16;
        return hash;

        static uint Mix(uint h, string s)
        {
            Span<byte> buffer = stackalloc byte[256];
            var bytes = Encoding.UTF8.GetMaxByteCount(s.Length) <= buffer.Length
                ? buffer[..Encoding.UTF8.GetBytes(s, buffer)]
                : Encoding.UTF8.GetBytes(s);
            foreach (var b in bytes)
            {
                h = (h ^ b) * prime;
            }

            return h;
        }
    }

    public bool Equals(GrainId other) =>
        string.Equals(Type, other.Type, StringComparison.Ordinal) && string.Equals(Key, other.Key, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is GrainId other && Equals(other);

    public override int GetHashCode() =>
        IsDefault ? 0 : HashCode.Combine(StringComparer.Ordinal.GetHashCode(Type), StringComparer.Ordinal.GetHashCode(Key));

    public override string ToString() => IsDefault ? string.Empty : $"{Type}/{Key}";

    public static bool operator ==(GrainId left, GrainId right) => left.Equals(right);

    public static bool operator !=(GrainId left, GrainId right) => !left.Equals(right);
}
