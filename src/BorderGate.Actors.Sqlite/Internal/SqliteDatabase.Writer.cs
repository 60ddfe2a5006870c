using Microsoft.Data.Sqlite;

namespace BorderGate.Actors.Sqlite.Internal;

internal sealed partial class SqliteDatabase
{
    /// <summary>Queues a write for the writer loop and completes once its transaction is durable.</summary>
    public async Task<TResult> WriteAsync<TResult>(SqliteWrite<TResult> write, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        write.Pending.CancelWith(cancellationToken);
        if (!_writes.Writer.TryWrite(write))
        {
            throw new GrainStorageException($"SQLite storage '{FilePath}' is stopped; nothing was written.");
        }

        return await write.Pending.Completion.ConfigureAwait(false);
    }

    /// <summary>
    /// Group commit: whatever queued while the previous commit was being fsynced goes into the next
    /// transaction, so a thousand concurrent writers share a handful of fsyncs instead of a thousand. Runs on a
    /// thread of its own, blocked while there is nothing to write.
    /// </summary>
    private void RunWriter()
    {
        var batch = new List<SqliteWrite>(_options.MaxWriteBatchSize);
        SqliteSession? session = null;
        var reader = _writes.Reader;
        while (WaitToRead(reader))
        {
            batch.Clear();
            while (batch.Count < _options.MaxWriteBatchSize && reader.TryRead(out var write))
            {
                if (write.Pending.TryTake())
                {
                    batch.Add(write);
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                session ??= new SqliteSession(Open(readOnly: false));
            }
            catch (Exception exception)
            {
                FailAll(batch, exception);
                continue;
            }

            if (!TryWriteBatch(session, batch))
            {
                // A broken connection (file removed, disk error) is reopened for the next batch.
                session.Dispose();
                session = null;
            }
        }

        session?.Dispose();
    }

    private static bool WaitToRead(System.Threading.Channels.ChannelReader<SqliteWrite> reader)
    {
        var ready = reader.WaitToReadAsync();
        return ready.IsCompletedSuccessfully ? ready.Result : ready.AsTask().GetAwaiter().GetResult();
    }

    /// <returns>False when the session should be discarded.</returns>
    private bool TryWriteBatch(SqliteSession session, List<SqliteWrite> batch)
    {
        var failedWrite = -1;
        try
        {
            session.Begin();
            for (var i = 0; i < batch.Count; i++)
            {
                failedWrite = i;
                batch[i].Execute(session);
            }

            failedWrite = -1;
            session.Commit();
        }
        catch (Exception exception)
        {
            session.Rollback();
            if (failedWrite < 0 || batch.Count == 1)
            {
                // The transaction itself failed (lock timeout, commit I/O error): nothing of the batch is stored.
                FailAll(batch, exception);
                return exception is not SqliteException { SqliteErrorCode: SqliteBusy };
            }

            // One write failed mid-batch: isolate it so that the others still commit.
            var healthy = true;
            foreach (var write in batch)
            {
                healthy &= TryWriteBatch(session, [write]);
            }

            return healthy;
        }

        foreach (var write in batch)
        {
            write.Pending.Complete();
        }

        return true;
    }

    private void FailAll(List<SqliteWrite> batch, Exception exception)
    {
        if (batch.Count == 1)
        {
            Log.WriteFailed(_logger, exception, FilePath);
        }
        else
        {
            Log.WriteBatchFailed(_logger, exception, batch.Count, FilePath);
        }

        var failure = Failure("write; nothing was written", exception);
        foreach (var write in batch)
        {
            write.Pending.Fail(failure);
        }
    }

    private const int SqliteBusy = 5;
}
