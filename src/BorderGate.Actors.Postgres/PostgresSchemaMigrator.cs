using BorderGate.Actors.Postgres.Internal;
using BorderGate.Actors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BorderGate.Actors.Postgres;

/// <summary>
/// Applies the versioned schema scripts (deploy/sql/postgres/V###__name.sql, embedded) that schema_version
/// does not list yet. Several silos may start at once: an advisory lock lets one migrate while the others wait.
/// </summary>
public sealed class PostgresSchemaMigrator : IStorageInitializer
{
    private const string ResourcePrefix = "BorderGate.Actors.Postgres.Sql.";

    // An arbitrary application-wide key for pg_advisory_lock ("BGschema" in ASCII).
    private const long AdvisoryLockKey = 0x4247_7363_6865_6D61;

    private readonly PostgresDatabase _database;

    internal PostgresSchemaMigrator(PostgresDatabase database) => _database = database;

    public Task InitializeAsync(CancellationToken cancellationToken) => _database.EnsureInitializedAsync(cancellationToken);

    /// <summary>Brings the schema of the database named by <paramref name="connectionString"/> up to date (the silo's <c>migrate</c> command).</summary>
    /// <exception cref="GrainStorageException">The database could not be reached or a script failed.</exception>
    public static async Task MigrateAsync(string connectionString, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            await MigrateAsync(dataSource, logger ?? NullLogger.Instance, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgresDatabase.IsStorageFailure(exception, cancellationToken))
        {
            throw PostgresDatabase.Failure("prepare the schema", exception);
        }
    }

    internal static async Task MigrateAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({AdvisoryLockKey});", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(
                connection,
                null,
                "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, script text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());",
                cancellationToken).ConfigureAwait(false);
            var applied = new HashSet<int>();
            await using (var select = new NpgsqlCommand("SELECT version FROM schema_version;", connection))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            foreach (var script in SchemaScripts.Load(typeof(PostgresSchemaMigrator).Assembly, ResourcePrefix))
            {
                if (applied.Contains(script.Version))
                {
                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, script.Sql, cancellationToken).ConfigureAwait(false);
                await using (var record = new NpgsqlCommand("INSERT INTO schema_version (version, script) VALUES ($1, $2);", connection, transaction))
                {
                    record.Parameters.Add(new NpgsqlParameter { Value = script.Version });
                    record.Parameters.Add(new NpgsqlParameter { Value = script.Name });
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                Log.SchemaScriptApplied(logger, script.Version, script.Name);
            }
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({AdvisoryLockKey});", CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
