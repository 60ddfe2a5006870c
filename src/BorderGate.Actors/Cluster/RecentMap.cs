using System.Collections;
using System.Collections.Concurrent;

namespace BorderGate.Actors.Cluster;

/// <summary>
/// A concurrent map that keeps what was used lately and forgets the rest, in two generations: entries are added to the
/// current one; once it has taken <c>generationSize</c> new keys it becomes the previous one and the previous one is
/// dropped; an entry found in the previous generation moves to the current one. So it holds at most twice
/// <c>generationSize</c> entries, and an entry read at least once a generation is never forgotten. For where grains live
/// (the silo's and the client's caches of the directory): a silo up for months calls millions of grains once each, and a
/// forgotten location costs one directory read at the grain's next call.
/// </summary>
internal sealed class RecentMap<TKey, TValue> : IEnumerable<KeyValuePair<TKey, TValue>>
    where TKey : notnull
{
    private readonly int _generationSize;
    private readonly Lock _rotation = new();
    private volatile ConcurrentDictionary<TKey, TValue> _current = new();
    private volatile ConcurrentDictionary<TKey, TValue> _previous = new();
    private int _added;

    public RecentMap(int generationSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(generationSize, 1);
        _generationSize = generationSize;
    }

    /// <summary>Entries held just now, both generations (counts each dictionary: not for hot paths).</summary>
    public int Count => _current.Count + _previous.Count;

    public TValue this[TKey key]
    {
        set
        {
            // The previous generation read first: rotated in between, the one cleared of the key is the one dropped, never
            // the one just added to (a stale value left behind is no worse than a stale cache: corrected on its first use).
            var previous = _previous;
            var current = _current;
            if (current.TryAdd(key, value))
            {
                // One generation at most holds a key: the previous one's value is outdated now.
                previous.TryRemove(key, out _);
                if (Interlocked.Increment(ref _added) >= _generationSize)
                {
                    Rotate(current);
                }
            }
            else
            {
                current[key] = value;
            }
        }
    }

    public bool TryGetValue(TKey key, out TValue value)
    {
        if (_current.TryGetValue(key, out value!))
        {
            return true;
        }

        if (_previous.TryGetValue(key, out value!))
        {
            // Still in use: kept for another generation.
            this[key] = value;
            return true;
        }

        return false;
    }

    /// <summary>Removes the key if it maps to that value (in either generation).</summary>
    public bool TryRemove(KeyValuePair<TKey, TValue> item) => _current.TryRemove(item) | _previous.TryRemove(item);

    public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator() => _current.Concat(_previous).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private void Rotate(ConcurrentDictionary<TKey, TValue> full)
    {
        lock (_rotation)
        {
            if (!ReferenceEquals(_current, full))
            {
                return; // rotated by another adder already
            }

            _previous = full;
            _current = new ConcurrentDictionary<TKey, TValue>();
            Volatile.Write(ref _added, 0);
        }
    }
}
