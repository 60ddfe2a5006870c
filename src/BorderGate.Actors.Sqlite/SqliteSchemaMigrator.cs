using System.Globalization;
using BorderGate.Actors.Sqlite.Internal;
using BorderGate.Actors.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace BorderGate.Actors.Sqlite;

/// <summary>
/// Prepares the database file at start: creates the directory, switches the file to WAL, and applies the
/// versioned scripts (deploy/sql/sqlite/V###__name.sql, embedded) that schema_version does not list yet.
/// </summary>
internal sealed class SqliteSchemaMigrator : IStorageInitializer
{
    private const string ResourcePrefix = "BorderGate.Actors.Sqlite.Sql.";
    private readonly SqliteDatabase _database;

    public SqliteSchemaMigrator(SqliteDatabase database) => _database = database;

    public Task InitializeAsync(CancellationToken cancellationToken) => _database.EnsureInitializedAsync(cancellationToken);

    /// <summary>Applies the missing scripts on <paramref name="connection"/>; a no-op when the schema is current.</summary>
    internal static void Migrate(SqliteConnection connection, ILogger logger)
    {
        // journal_mode cannot change inside a transaction, and it is a property of the file, kept once set.
        Execute(connection, null, "PRAGMA journal_mode = WAL;");

        // IMMEDIATE takes the write lock up front, so two processes opening the same new file migrate in turn.
        using var transaction = connection.BeginTransaction(deferred: false);
        Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, script TEXT NOT NULL, applied_at TEXT NOT NULL);");
        var applied = new HashSet<int>();
        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT version FROM schema_version;";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        foreach (var script in SchemaScripts.Load(typeof(SqliteSchemaMigrator).Assembly, ResourcePrefix))
        {
            if (applied.Contains(script.Version))
            {
                continue;
            }

            Execute(connection, transaction, script.Sql);
            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_version (version, script, applied_at) VALUES (@p0, @p1, @p2);";
            record.Parameters.AddWithValue("@p0", script.Version);
            record.Parameters.AddWithValue("@p1", script.Name);
            record.Parameters.AddWithValue("@p2", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            record.ExecuteNonQuery();
            Log.SchemaScriptApplied(logger, script.Version, script.Name, connection.DataSource);
        }

        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
