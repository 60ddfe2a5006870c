using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace BorderGate.Actors.Sqlite.Internal;

/// <summary>
/// The database file behind the SQLite providers: one writer loop that group-commits queued writes, and a
/// pool of read-only connections (WAL lets them read while the writer commits).
/// </summary>
internal sealed partial class SqliteDatabase : IAsyncDisposable
{
    private readonly SqliteActorOptions _options;
    private readonly ILogger _logger;
    private readonly string _writeConnectionString;
    private readonly string _readConnectionString;
    private readonly Channel<SqliteWrite> _writes = Channel.CreateUnbounded<SqliteWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentQueue<SqliteSession> _idleReaders = new();
    private readonly SemaphoreSlim _readerSlots;
    private readonly Lock _initializationLock = new();
    private Task? _initialization;
    private Task? _writerLoop;
    private bool _disposed;

    public SqliteDatabase(SqliteActorOptions options, TimeProvider timeProvider, ILogger<SqliteDatabase> logger)
    {
        _options = options;
        _logger = logger;
        TimeProvider = timeProvider;
        FilePath = options.FilePath;
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // The providers keep their own connections; the driver's pool would only hold the file open after disposal.
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        };
        _writeConnectionString = builder.ToString();
        builder.Mode = SqliteOpenMode.ReadOnly;
        _readConnectionString = builder.ToString();
        _readerSlots = new SemaphoreSlim(Math.Max(4, Environment.ProcessorCount * 2));
    }

    public string FilePath { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>Creates the directory and applies the schema once; retried on the next call if it failed.</summary>
    public Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        var initialization = _initialization;
        if (initialization is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        lock (_initializationLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_initialization is null || _initialization.IsFaulted || _initialization.IsCanceled)
            {
                _initialization = Task.Run(Initialize, CancellationToken.None);
            }

            return _initialization.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_initializationLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        // Queued writes are still committed: their callers are waiting for a durable outcome.
        _writes.Writer.TryComplete();
        if (_writerLoop is not null)
        {
            await _writerLoop.ConfigureAwait(false);
        }

        while (_idleReaders.TryDequeue(out var session))
        {
            session.Dispose();
        }
    }

    private void Initialize()
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            using var connection = Open(readOnly: false);
            SqliteSchemaMigrator.Migrate(connection, _logger);
        }
        catch (Exception exception) when (exception is SqliteException or IOException or UnauthorizedAccessException)
        {
            Log.InitializationFailed(_logger, exception, FilePath);
            throw new GrainStorageException($"SQLite database '{FilePath}' could not be prepared: {exception.Message}", exception);
        }

        lock (_initializationLock)
        {
            // A thread of its own: every grain's write waits on this loop, which must not queue behind grain turns on the thread
            // pool when the node is busy (it blocks while there is nothing to write).
            _writerLoop ??= Task.Factory.StartNew(RunWriter, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    private SqliteConnection Open(bool readOnly)
    {
        var connection = new SqliteConnection(readOnly ? _readConnectionString : _writeConnectionString);
        try
        {
            connection.Open();
            using var pragmas = connection.CreateCommand();
            // synchronous=FULL: in WAL mode each commit is fsynced before it returns, so a completed write survives power loss.
            // A page cache of its own per connection (64 MB for the writer, 16 MB per reader; SQLite's default is 2 MB):
            // the writer updates rows all over the file, and a page it has to read back from the OS costs a system call.
            pragmas.CommandText = string.Create(
                CultureInfo.InvariantCulture,
                $"PRAGMA busy_timeout = {(long)_options.BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = FULL; PRAGMA cache_size = {(readOnly ? -16_384 : -65_536)};");
            pragmas.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private GrainStorageException Failure(string operation, Exception exception) =>
        new($"SQLite storage '{FilePath}' failed to {operation}: {exception.Message}", exception);
}
