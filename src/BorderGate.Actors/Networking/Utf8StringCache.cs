using System.Text;

namespace BorderGate.Actors.Networking;

/// <summary>
/// Strings a silo reads in every frame and that repeat (grain types, method signatures, grain keys): decoded once and
/// then found by their bytes, so that a call does not allocate them again. Direct-mapped: a slot holds the last string
/// whose bytes hashed to it, and a different one simply takes its place; entries are immutable, so readers on any thread
/// see a whole one or none. Long strings are not kept.
/// </summary>
internal sealed class Utf8StringCache
{
    private const int LongestKept = 128;

    private readonly Entry?[] _entries;
    private readonly Encoding _encoding;

    /// <param name="size">Slots, a power of two.</param>
    /// <param name="encoding">How the bytes are decoded (the frame codec's: strict UTF-8).</param>
    public Utf8StringCache(int size, Encoding encoding)
    {
        if (size <= 0 || (size & (size - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "A power of two.");
        }

        _entries = new Entry?[size];
        _encoding = encoding;
    }

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > LongestKept)
        {
            return _encoding.GetString(utf8);
        }

        var hash = 2166136261u;
        foreach (var b in utf8)
        {
            hash = (hash ^ b) * 16777619u;
        }

        ref var slot = ref _entries[(int)(hash & (uint)(_entries.Length - 1))];
        var entry = Volatile.Read(ref slot);
        if (entry is not null && utf8.SequenceEqual(entry.Bytes))
        {
            return entry.Value;
        }

        var value = _encoding.GetString(utf8);
        Volatile.Write(ref slot, new Entry(utf8.ToArray(), value));
        return value;
    }

    private sealed record Entry(byte[] Bytes, string Value);
}
