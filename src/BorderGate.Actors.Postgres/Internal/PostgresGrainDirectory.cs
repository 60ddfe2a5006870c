using BorderGate.Actors.Membership;
using Npgsql;

namespace BorderGate.Actors.Postgres.Internal;

/// <summary>
/// The grain directory on PostgreSQL (deploy/sql/postgres/V002__membership.sql): the primary key makes the first
/// registration win when silos race a grain's first call. A registration that finds the row taken reads it in a statement
/// of its own (under read committed, a later statement sees the winner's commit), and takes it over only if its silo is
/// dead, conditionally on it still being that silo's.
/// </summary>
internal sealed class PostgresGrainDirectory(PostgresDatabase database) : IGrainDirectoryTable
{
    private const string InsertSql =
        """
        INSERT INTO grain_directory (cluster_id, grain_type, grain_key, address, generation) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (cluster_id, grain_type, grain_key) DO NOTHING;
        """;

    private const string SelectSql =
        "SELECT address, generation FROM grain_directory WHERE cluster_id = $1 AND grain_type = $2 AND grain_key = $3;";

    private const string TakeOverSql =
        """
        UPDATE grain_directory SET address = $4, generation = $5, registered_at = now()
        WHERE cluster_id = $1 AND grain_type = $2 AND grain_key = $3 AND address = $6 AND generation = $7;
        """;

    private const string DeleteSql =
        "DELETE FROM grain_directory WHERE cluster_id = $1 AND grain_type = $2 AND grain_key = $3 AND address = $4 AND generation = $5;";

    private const string ReleaseSql =
        "DELETE FROM grain_directory WHERE cluster_id = $1 AND address = $2 AND generation = $3;";

    public ValueTask<GrainLocation> RegisterAsync(string clusterId, GrainId grainId, string address, long generation, IReadOnlySet<string> deadSilos, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        ArgumentNullException.ThrowIfNull(deadSilos);
        return new(database.RunAsync("register a grain in the directory", async (dataSource, ct) =>
        {
            var mine = new GrainLocation(grainId, address, generation);
            await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            while (true)
            {
                await using (var insert = Command(connection, InsertSql, clusterId, grainId))
                {
                    insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = address });
                    insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = generation });
                    if (await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1)
                    {
                        return mine;
                    }
                }

                if (await SelectAsync(connection, clusterId, grainId, ct).ConfigureAwait(false) is not { } holder)
                {
                    continue; // unregistered in between: try again
                }

                if (!deadSilos.Contains(holder.Silo) || holder == mine)
                {
                    return holder;
                }

                await using var takeOver = Command(connection, TakeOverSql, clusterId, grainId);
                takeOver.Parameters.Add(new NpgsqlParameter<string> { TypedValue = address });
                takeOver.Parameters.Add(new NpgsqlParameter<long> { TypedValue = generation });
                takeOver.Parameters.Add(new NpgsqlParameter<string> { TypedValue = holder.Address });
                takeOver.Parameters.Add(new NpgsqlParameter<long> { TypedValue = holder.Generation });
                if (await takeOver.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1)
                {
                    return mine;
                }
            }
        }, cancellationToken));
    }

    public ValueTask<GrainLocation?> LookupAsync(string clusterId, GrainId grainId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        return new(database.RunAsync("look a grain up in the directory", async (dataSource, ct) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            return await SelectAsync(connection, clusterId, grainId, ct).ConfigureAwait(false);
        }, cancellationToken));
    }

    public ValueTask<bool> UnregisterAsync(string clusterId, GrainLocation location, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        ArgumentNullException.ThrowIfNull(location);
        return new(database.RunAsync("unregister a grain from the directory", async (dataSource, ct) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using var delete = Command(connection, DeleteSql, clusterId, location.GrainId);
            delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = location.Address });
            delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = location.Generation });
            return await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken));
    }

    public ValueTask<int> ReleaseSiloAsync(string clusterId, string address, long generation, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        return new(database.RunAsync("release a dead silo's grains", async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand(ReleaseSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = address });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = generation });
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken));
    }

    private static async Task<GrainLocation?> SelectAsync(NpgsqlConnection connection, string clusterId, GrainId grainId, CancellationToken cancellationToken)
    {
        await using var select = Command(connection, SelectSql, clusterId, grainId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new GrainLocation(grainId, reader.GetString(0), reader.GetInt64(1))
            : null;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, string clusterId, GrainId grainId)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Type });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Key });
        return command;
    }
}
