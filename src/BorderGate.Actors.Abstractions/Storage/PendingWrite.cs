namespace BorderGate.Actors.Storage;

/// <summary>
/// A write queued for a provider's writer loop, seen without its result type so that one queue can hold
/// writes of every kind. The loop claims it with <see cref="TryTake"/>, runs it in a transaction, and then
/// reports the outcome with <see cref="Complete"/> (after the commit) or <see cref="Fail"/>.
/// </summary>
/// <remarks>The only implementation is <see cref="PendingWrite{TResult}"/>.</remarks>
public abstract class PendingWrite
{
    private const int Queued = 0;
    private const int Taken = 1;
    private const int Cancelled = 2;
    private int _state;

    private protected PendingWrite()
    {
    }

    /// <summary>
    /// Claims the write for execution; false when its caller cancelled it first, in which case the loop
    /// must skip it. Once taken, the caller's cancellation no longer counts.
    /// </summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

    /// <summary>
    /// Reports the outcome recorded by the last run, once the transaction that ran it has committed: its
    /// result, or the <see cref="InconsistentStateException"/> that rejected it.
    /// </summary>
    public abstract void Complete();

    /// <summary>Fails the write with <paramref name="exception"/>: its transaction did not commit, so nothing of it is stored.</summary>
    public abstract void Fail(Exception exception);

    private protected bool TryCancel() => Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued;
}

/// <summary>
/// The caller's side of a queued write and the outcome the writer loop records for it. A caller's
/// cancellation counts only while the write is still queued; once the loop took it, the caller waits for
/// the durable outcome.
/// </summary>
/// <typeparam name="TResult">What the write returns to its caller, such as the new ETag.</typeparam>
/// <example>
/// A provider wraps one in its own write type, queues that, and awaits <see cref="Completion"/>:
/// <code>
/// write.Pending.CancelWith(cancellationToken);
/// queue.Writer.TryWrite(write);
/// return await write.Pending.Completion;
/// </code>
/// </example>
public sealed class PendingWrite<TResult> : PendingWrite
{
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _cancellation;
    private TResult? _result;
    private InconsistentStateException? _rejection;

    /// <summary>Completes with the write's result after its transaction committed, or faults or cancels.</summary>
    public Task<TResult> Completion => _completion.Task;

    /// <summary>
    /// Lets <paramref name="cancellationToken"/> cancel the write while it is still queued. Call once,
    /// before queueing it.
    /// </summary>
    public void CancelWith(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.Register(() =>
            {
                if (TryCancel())
                {
                    _completion.TrySetCanceled(cancellationToken);
                }
            });
        }
    }

    /// <summary>
    /// Runs <paramref name="run"/> inside the loop's open transaction and records its result. An
    /// <see cref="InconsistentStateException"/> (a lost ETag race) is recorded as the write's rejection rather
    /// than thrown, so that the rest of the batch still commits; any other exception propagates. A later run
    /// (a failed batch retried write by write) replaces what an earlier one recorded.
    /// </summary>
    /// <param name="run">The write's statements; pass a static lambda and its <paramref name="argument"/> to avoid allocating.</param>
    /// <param name="argument">What <paramref name="run"/> needs, such as the write and the open connection.</param>
    public void Record<TArgument>(Func<TArgument, TResult> run, TArgument argument)
    {
        ArgumentNullException.ThrowIfNull(run);
        _rejection = null;
        try
        {
            _result = run(argument);
        }
        catch (InconsistentStateException rejection)
        {
            _rejection = rejection;
        }
    }

    /// <inheritdoc/>
    public override void Complete()
    {
        _cancellation.Dispose();
        if (_rejection is not null)
        {
            _completion.TrySetException(_rejection);
        }
        else
        {
            _completion.TrySetResult(_result!);
        }
    }

    /// <inheritdoc/>
    public override void Fail(Exception exception)
    {
        _cancellation.Dispose();
        _completion.TrySetException(exception);
    }
}
