using Microsoft.Data.Sqlite;

namespace BorderGate.Actors.Sqlite.Internal;

/// <summary>
/// One open connection with its prepared commands, kept by the writer loop or the read pool. A command is
/// prepared once per connection and re-bound for each use, since SQLite's statement preparation is a
/// measurable share of a small write.
/// </summary>
internal sealed class SqliteSession : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private SqliteTransaction? _transaction;

    public SqliteSession(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    /// <summary>The command for <paramref name="sql"/> with parameters @p0, @p1… bound to <paramref name="values"/>.</summary>
    public SqliteCommand Command(string sql, params ReadOnlySpan<object?> values)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters.Add(new SqliteParameter($"@p{i}", null));
            }

            _commands.Add(sql, command);
        }

        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        command.Transaction = _transaction;
        return command;
    }

    public void Begin() => _transaction = Connection.BeginTransaction(deferred: false);

    public void Commit()
    {
        var transaction = _transaction ?? throw new InvalidOperationException("No transaction is open.");
        _transaction = null;
        try
        {
            transaction.Commit();
        }
        finally
        {
            transaction.Dispose();
        }
    }

    public void Rollback()
    {
        var transaction = _transaction;
        _transaction = null;
        if (transaction is null)
        {
            return;
        }

        try
        {
            transaction.Rollback();
        }
        catch (SqliteException)
        {
            // SQLite may already have rolled the transaction back itself (after an I/O error or SQLITE_FULL).
        }
        finally
        {
            transaction.Dispose();
        }
    }

    public void Dispose()
    {
        Rollback();
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        Connection.Dispose();
    }
}
