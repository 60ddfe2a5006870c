using System.Runtime.ExceptionServices;

namespace BorderGate.Actors;

/// <summary>
/// Lets the interleaving turns of a reentrant grain share the writes of one persistent state (group commit inside a
/// grain). A turn changes the state, without awaiting in between, then awaits <see cref="WriteAsync"/>, which completes
/// once a write that began after the change has committed. One write runs at a time; every change made while it runs
/// goes into the next one. A grain whose calls each waited for a commit of their own handles one call per commit; with
/// this it handles, per commit, every call that arrived during the one before.
/// </summary>
/// <remarks>
/// Every write of the state must go through one instance (two writes at once would race on the record's ETag). A failed
/// write puts the state back to what storage holds (<see cref="IPersistentState{TState}"/>), which undoes every change
/// made since the last commit, also those made while the write ran: each turn whose change was undone gets the failure;
/// changes made after it go into the next write. Use it from grain code only: an activation's turns run one at a time,
/// so the counters below need no lock.
/// </remarks>
public sealed class GroupedWrites<TState>(IPersistentState<TState> state)
    where TState : new()
{
    private long _changes;
    private long _stored;
    private long _undoneUpTo;
    private Exception? _undoneBy;
    private Task? _writing;

    /// <summary>Writes done (committed or failed).</summary>
    public long Writes { get; private set; }

    /// <summary>Completes once the change the caller just made is stored; throws if a failed write undid it.</summary>
    public async Task WriteAsync()
    {
        var change = ++_changes;
        while (change > _stored)
        {
            if (change <= _undoneUpTo)
            {
                ExceptionDispatchInfo.Throw(_undoneBy!);
            }

            if (_writing is { } writing)
            {
                try
                {
                    await writing;
                }
                catch
                {
                    // Whether this caller's change was undone is judged by the counters, above.
                }

                continue;
            }

            var write = WriteUpToAsync(_changes);
            if (write.IsCompleted)
            {
                // Done at once (a failure is seen through the counters on the next round).
                _ = write.Exception;
            }
            else
            {
                _writing = write;
            }
        }
    }

    private async Task WriteUpToAsync(long upTo)
    {
        try
        {
            await state.WriteStateAsync();
            _stored = upTo;
        }
        catch (Exception exception)
        {
            _undoneUpTo = _changes;
            _undoneBy = exception;
            throw;
        }
        finally
        {
            Writes++;
            _writing = null;
        }
    }
}
