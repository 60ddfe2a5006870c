using BorderGate.Actors.Storage;

namespace BorderGate.Actors.Sqlite.Internal;

/// <summary>
/// A write waiting for the writer loop. The loop runs it inside a group-commit transaction and completes it
/// only after the commit is durable. A caller's cancellation counts only while the write is still queued.
/// </summary>
internal abstract class SqliteWrite
{
    /// <summary>The write's claim, completion and recorded outcome.</summary>
    public abstract PendingWrite Pending { get; }

    /// <summary>Runs the statements inside the open transaction. A lost ETag race is recorded, not thrown.</summary>
    public abstract void Execute(SqliteSession session);
}

internal abstract class SqliteWrite<TResult> : SqliteWrite
{
    public override PendingWrite<TResult> Pending { get; } = new();

    public sealed override void Execute(SqliteSession session) =>
        Pending.Record(static run => run.Write.Run(run.Session), (Write: this, Session: session));

    protected abstract TResult Run(SqliteSession session);
}
