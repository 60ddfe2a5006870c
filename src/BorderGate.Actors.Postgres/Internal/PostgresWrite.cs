using Npgsql;

namespace BorderGate.Actors.Postgres.Internal;

/// <summary>
/// A write waiting for a writer loop: one statement that returns one row telling how it went. The loop
/// completes it only after its transaction committed. Cancellation counts only while it is still queued.
/// </summary>
internal abstract class PostgresWrite
{
    private const int Queued = 0;
    private const int Taken = 1;
    private const int Cancelled = 2;
    private int _state;

    /// <summary>Claims the write for execution; false when its caller cancelled it first.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

    protected bool TryCancel() => Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued;

    /// <summary>A new statement for this write (a batch that failed is retried write by write).</summary>
    public abstract NpgsqlBatchCommand CreateCommand();

    /// <summary>Records the outcome from the statement's row. A lost ETag race is recorded, not thrown.</summary>
    public abstract void ReadRow(NpgsqlDataReader row);

    public abstract void Complete();

    public abstract void Fail(Exception exception);
}

internal abstract class PostgresWrite<TResult> : PostgresWrite
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

    public sealed override void ReadRow(NpgsqlDataReader row)
    {
        _rejection = null;
        try
        {
            _result = Read(row);
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

    protected abstract TResult Read(NpgsqlDataReader row);
}
