using Npgsql;

namespace BorderGate.Actors.Postgres.Internal;

internal sealed partial class PostgresDatabase
{
    /// <summary>Queues a write for the writer of <paramref name="partition"/> and completes once it is committed.</summary>
    public async Task<TResult> WriteAsync<TResult>(PostgresWrite<TResult> write, int partition, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        write.Pending.CancelWith(cancellationToken);
        if (!_queues[(int)((uint)partition % (uint)_queues.Length)].Writer.TryWrite(write))
        {
            throw new GrainStorageException("PostgreSQL storage is stopped; nothing was written.");
        }

        return await write.Pending.Completion.ConfigureAwait(false);
    }

    /// <summary>Group commit: whatever queued during the previous round trip goes into the next transaction.</summary>
    private async Task RunWriterAsync(System.Threading.Channels.ChannelReader<PostgresWrite> reader)
    {
        var batch = new List<PostgresWrite>(_options.MaxWriteBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _options.MaxWriteBatchSize && reader.TryRead(out var write))
            {
                if (write.Pending.TryTake())
                {
                    batch.Add(write);
                }
            }

            if (batch.Count > 0)
            {
                await WriteBatchAsync(batch).ConfigureAwait(false);
            }
        }
    }

    private async Task WriteBatchAsync(List<PostgresWrite> batch)
    {
        try
        {
            await using var connection = await DataSource.OpenConnectionAsync().ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            await using (var statements = new NpgsqlBatch(connection, transaction))
            {
                foreach (var write in batch)
                {
                    statements.BatchCommands.Add(write.CreateCommand());
                }

                await using var rows = await statements.ExecuteReaderAsync().ConfigureAwait(false);
                foreach (var write in batch)
                {
                    if (!await rows.ReadAsync().ConfigureAwait(false))
                    {
                        throw new InvalidOperationException("A write statement returned no outcome row.");
                    }

                    write.ReadRow(rows);
                    await rows.NextResultAsync().ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync().ConfigureAwait(false);
        }
        catch (PostgresException) when (batch.Count > 1)
        {
            // The server rejected one statement (or chose this transaction as a deadlock victim) and rolled
            // the whole batch back: write each alone so that only the faulty one fails.
            foreach (var write in batch)
            {
                await WriteBatchAsync([write]).ConfigureAwait(false);
            }

            return;
        }
        catch (Exception exception)
        {
            if (batch.Count == 1)
            {
                Log.WriteFailed(_logger, exception);
            }
            else
            {
                Log.WriteBatchFailed(_logger, exception, batch.Count);
            }

            ForgetBrokenConnections(exception);
            var failure = Failure("write; nothing was written", exception);
            foreach (var write in batch)
            {
                write.Pending.Fail(failure);
            }

            return;
        }

        foreach (var write in batch)
        {
            write.Pending.Complete();
        }
    }
}
