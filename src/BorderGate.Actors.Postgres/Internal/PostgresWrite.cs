using BorderGate.Actors.Storage;
using Npgsql;

namespace BorderGate.Actors.Postgres.Internal;

/// <summary>
/// A write waiting for a writer loop: one statement that returns one row telling how it went. The loop
/// completes it only after its transaction committed. Cancellation counts only while it is still queued.
/// </summary>
internal abstract class PostgresWrite
{
    /// <summary>The write's claim, completion and recorded outcome.</summary>
    public abstract PendingWrite Pending { get; }

    /// <summary>A new statement for this write (a batch that failed is retried write by write).</summary>
    public abstract NpgsqlBatchCommand CreateCommand();

    /// <summary>Records the outcome from the statement's row. A lost ETag race is recorded, not thrown.</summary>
    public abstract void ReadRow(NpgsqlDataReader row);
}

internal abstract class PostgresWrite<TResult> : PostgresWrite
{
    public override PendingWrite<TResult> Pending { get; } = new();

    public sealed override void ReadRow(NpgsqlDataReader row) =>
        Pending.Record(static read => read.Write.Read(read.Row), (Write: this, Row: row));

    protected abstract TResult Read(NpgsqlDataReader row);
}
