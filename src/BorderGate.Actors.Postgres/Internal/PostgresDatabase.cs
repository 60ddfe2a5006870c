using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BorderGate.Actors.Postgres.Internal;

/// <summary>
/// The PostgreSQL database behind the providers: a data source for reads and a few writer loops that
/// group-commit queued writes. A write is routed by its grain or stream to one writer, so the writers never
/// wait on each other's row locks and a stream's appends keep their queue order.
/// </summary>
internal sealed partial class PostgresDatabase : IAsyncDisposable
{
    private readonly PostgresActorOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<PostgresWrite>[] _queues;
    private readonly Task[] _writers;
    private readonly Lock _initializationLock = new();
    private Task? _initialization;
    private int _disposed;

    public PostgresDatabase(PostgresActorOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        _options = options;
        _logger = loggerFactory.CreateLogger<PostgresDatabase>();
        TimeProvider = timeProvider;
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.UseLoggerFactory(loggerFactory);
        DataSource = builder.Build();
        _queues = new Channel<PostgresWrite>[options.WriterCount];
        _writers = new Task[options.WriterCount];
        for (var i = 0; i < _queues.Length; i++)
        {
            var queue = _queues[i] = Channel.CreateUnbounded<PostgresWrite>(new UnboundedChannelOptions { SingleReader = true });
            _writers[i] = Task.Run(() => RunWriterAsync(queue.Reader), CancellationToken.None);
        }
    }

    public NpgsqlDataSource DataSource { get; }

    public TimeProvider TimeProvider { get; }

    internal ILogger Logger => _logger;

    /// <summary>Applies the schema once; retried on the next call if it failed.</summary>
    public Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        var initialization = _initialization;
        if (initialization is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        lock (_initializationLock)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (_initialization is null || _initialization.IsFaulted || _initialization.IsCanceled)
            {
                _initialization = InitializeAsync();
            }

            return _initialization.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Runs a read or a single-statement write, turning driver and network failures into <see cref="GrainStorageException"/>.</summary>
    public async Task<TResult> RunAsync<TResult>(string operation, Func<NpgsqlDataSource, CancellationToken, Task<TResult>> action, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await action(DataSource, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsStorageFailure(exception, cancellationToken))
        {
            Log.OperationFailed(_logger, exception, operation);
            ForgetBrokenConnections(exception);
            throw Failure(operation, exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Queued writes are still committed: their callers are waiting for a durable outcome.
        foreach (var queue in _queues)
        {
            queue.Writer.TryComplete();
        }

        await Task.WhenAll(_writers).ConfigureAwait(false);
        await DataSource.DisposeAsync().ConfigureAwait(false);
    }

    internal static bool IsStorageFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is NpgsqlException or IOException or SocketException or TimeoutException
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    internal static GrainStorageException Failure(string operation, Exception exception) =>
        new($"PostgreSQL storage failed to {operation}: {exception.Message}", exception);

    private async Task InitializeAsync()
    {
        try
        {
            await PostgresSchemaMigrator.MigrateAsync(DataSource, _logger, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsStorageFailure(exception, CancellationToken.None))
        {
            Log.InitializationFailed(_logger, exception);
            ForgetBrokenConnections(exception);
            throw Failure("prepare the schema", exception);
        }
    }

    /// <summary>
    /// After a network failure the pool's idle connections are likely dead too (a restarted server, a cut
    /// link); dropping them lets the next operation connect afresh instead of failing on a stale socket.
    /// </summary>
    private void ForgetBrokenConnections(Exception exception)
    {
        if (exception is not PostgresException)
        {
            DataSource.Clear();
        }
    }
}
