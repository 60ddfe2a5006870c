using System.Collections.Concurrent;

namespace BorderGate.Actors.Runtime;

/// <summary>Something that fails when its deadline passes.</summary>
internal interface IDeadline
{
    void Expire();
}

/// <summary>
/// Tracks the deadlines of calls that did not complete at once. One periodic timer for all calls, so that
/// the fast path (a call that completes synchronously) never touches it.
/// </summary>
internal sealed class DeadlineTracker : IDisposable
{
    private readonly ConcurrentDictionary<long, Entry> _pending = new();
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _checkInterval;
    private ITimer? _timer;
    private long _nextId;

    public DeadlineTracker(TimeProvider timeProvider, TimeSpan checkInterval)
    {
        _timeProvider = timeProvider;
        _checkInterval = checkInterval;
    }

    public int PendingCount => _pending.Count;

    public void Start() => _timer ??= _timeProvider.CreateTimer(static s => ((DeadlineTracker)s!).Check(), this, _checkInterval, _checkInterval);

    public long Register(IDeadline call, TimeSpan timeout)
    {
        var id = Interlocked.Increment(ref _nextId);
        _pending[id] = new Entry(call, _timeProvider.GetTimestamp() + (long)(timeout.TotalSeconds * _timeProvider.TimestampFrequency));
        return id;
    }

    public void Unregister(long id) => _pending.TryRemove(id, out _);

    /// <summary>Expires every call whose deadline has passed; the timer calls it, and tests may too.</summary>
    public void Check()
    {
        var now = _timeProvider.GetTimestamp();
        foreach (var (id, entry) in _pending)
        {
            if (entry.DueTimestamp <= now && _pending.TryRemove(id, out _))
            {
                entry.Call.Expire();
            }
        }
    }

    public void Dispose() => _timer?.Dispose();

    private readonly record struct Entry(IDeadline Call, long DueTimestamp);
}
