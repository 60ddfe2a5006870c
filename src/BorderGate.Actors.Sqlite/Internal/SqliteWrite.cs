namespace BorderGate.Actors.Sqlite.Internal;

/// <summary>
/// A write waiting for the writer loop. The loop runs it inside a group-commit transaction and completes it
/// only after the commit is durable. A caller's cancellation counts only while the write is still queued.
/// </summary>
internal abstract class SqliteWrite
{
    private const int Queued = 0;
    private const int Taken = 1;
    private const int Cancelled = 2;
    private int _state;

    /// <summary>Claims the write for execution; false when its caller cancelled it first.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

    protected bool TryCancel() => Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued;

    /// <summary>Runs the statements inside the open transaction. A lost ETag race is recorded, not thrown.</summary>
    public abstract void Execute(SqliteSession session);

    /// <summary>Reports the outcome recorded by <see cref="Execute"/>, after the transaction committed.</summary>
    public abstract void Complete();

    public abstract void Fail(Exception exception);
}

internal abstract class SqliteWrite<TResult> : SqliteWrite
{
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _cancellation;
    private TResult? _result;
    private InconsistentStateException? _rejection;

    public Task<TResult> Completion => _completion.Task;

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

    public sealed override void Execute(SqliteSession session)
    {
        _rejection = null;
        try
        {
            _result = Run(session);
        }
        catch (InconsistentStateException rejection)
        {
            _rejection = rejection;
        }
    }

    public sealed override void Complete()
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

    public sealed override void Fail(Exception exception)
    {
        _cancellation.Dispose();
        _completion.TrySetException(exception);
    }

    protected abstract TResult Run(SqliteSession session);
}
