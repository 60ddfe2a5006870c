namespace BorderGate.Actors.Sqlite.Internal;

internal sealed partial class SqliteDatabase
{
    /// <summary>Runs <paramref name="read"/> on a pooled read-only connection.</summary>
    public async Task<TResult> ReadAsync<TResult>(string operation, Func<SqliteSession, TResult> read, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await _readerSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        SqliteSession? session = null;
        try
        {
            session = _idleReaders.TryDequeue(out var idle) ? idle : new SqliteSession(Open(readOnly: true));
            var result = read(session);
            _idleReaders.Enqueue(session);
            session = null;
            return result;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.ReadFailed(_logger, exception, operation, FilePath);
            throw Failure(operation, exception);
        }
        finally
        {
            session?.Dispose();
            _readerSlots.Release();
        }
    }
}
