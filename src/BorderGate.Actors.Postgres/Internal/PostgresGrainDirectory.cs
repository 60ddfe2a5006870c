using BorderGate.Actors.Membership;
using Npgsql;

namespace BorderGate.Actors.Postgres.Internal;

/// <summary>
/// The grain directory on PostgreSQL (deploy/sql/postgres/V002__membership.sql): the primary key makes the first
/// registration win when silos race a grain's first call. A registration is one statement — insert the row, or read who
/// holds it — group-committed by the database's writer loops with the other writes queued meanwhile, so that a silo whose
/// first calls reach many grains at once (after a start or a failover) registers them in a few round trips rather than one
/// each. The read sees rows committed before the statement began; a holder that committed while the insert waited for it
/// is not visible yet, and the registration asks again in a statement of its own (under read committed, a later
/// statement sees the winner's commit). A row held by a dead silo is taken over, conditionally on it still being that
/// silo's.
/// </summary>
internal sealed class PostgresGrainDirectory(PostgresDatabase database) : IGrainDirectoryTable
{
    // One row whatever happens: (true, mine) when inserted; else (false, the holder), or (false, null, null) when the
    // holder committed after the statement's snapshot was taken.
    private const string RegisterSql =
        """
        WITH inserted AS (
            INSERT INTO grain_directory (cluster_id, grain_type, grain_key, address, generation) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (cluster_id, grain_type, grain_key) DO NOTHING
            RETURNING address, generation)
        SELECT true, address, generation FROM inserted
        UNION ALL
        SELECT false, held.address, held.generation FROM (SELECT 1) AS one
        LEFT JOIN grain_directory AS held ON held.cluster_id = $1 AND held.grain_type = $2 AND held.grain_key = $3
        WHERE NOT EXISTS (SELECT 1 FROM inserted);
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
        return new(RegisterCoreAsync(clusterId, grainId, new GrainLocation(grainId, address, generation), deadSilos, cancellationToken));
    }

    private async Task<GrainLocation> RegisterCoreAsync(string clusterId, GrainId grainId, GrainLocation mine, IReadOnlySet<string> deadSilos, CancellationToken cancellationToken)
    {
        var register = new Register(clusterId, grainId, mine);
        var (inserted, holder) = await database.WriteAsync(register, grainId.GetHashCode(), cancellationToken).ConfigureAwait(false);
        if (inserted)
        {
            return mine;
        }

        // Taken (or its holder not yet visible): settled in statements of their own, as rarely as silos race or die.
        return await database.RunAsync("register a grain in the directory", async (dataSource, ct) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            while (true)
            {
                if (holder is null)
                {
                    // A statement of its own sees what committed before it began: the holder the last one could not see.
                    (inserted, holder) = await RegisterAloneAsync(connection, register, ct).ConfigureAwait(false);
                    if (inserted)
                    {
                        return mine;
                    }

                    if (holder is null)
                    {
                        continue; // raced again (registered and gone in between): ask once more
                    }
                }

                if (!deadSilos.Contains(holder.Silo) || holder == mine)
                {
                    return holder;
                }

                await using var takeOver = Command(connection, TakeOverSql, clusterId, grainId);
                takeOver.Parameters.Add(new NpgsqlParameter<string> { TypedValue = mine.Address });
                takeOver.Parameters.Add(new NpgsqlParameter<long> { TypedValue = mine.Generation });
                takeOver.Parameters.Add(new NpgsqlParameter<string> { TypedValue = holder.Address });
                takeOver.Parameters.Add(new NpgsqlParameter<long> { TypedValue = holder.Generation });
                if (await takeOver.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1)
                {
                    return mine;
                }

                holder = null;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<(bool Inserted, GrainLocation? Holder)> RegisterAloneAsync(NpgsqlConnection connection, Register register, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { register.CreateCommand() } };
        await using var row = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await row.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("The directory's registration returned no row.");
        }

        return register.Outcome(row);
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
        AddKey(command.Parameters, clusterId, grainId);
        return command;
    }

    private static void AddKey(NpgsqlParameterCollection parameters, string clusterId, GrainId grainId)
    {
        parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Type });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Key });
    }

    /// <summary>A registration as a queued write: insert the row, or tell who holds it.</summary>
    private sealed class Register(string clusterId, GrainId grainId, GrainLocation mine) : PostgresWrite<(bool Inserted, GrainLocation? Holder)>
    {
        /// <summary>Whether the statement inserted the row, and who holds it (null: not visible to the statement).</summary>
        public (bool Inserted, GrainLocation? Holder) Outcome(NpgsqlDataReader row) =>
            (row.GetBoolean(0), row.IsDBNull(1) ? null : new GrainLocation(grainId, row.GetString(1), row.GetInt64(2)));

        public override NpgsqlBatchCommand CreateCommand()
        {
            var command = new NpgsqlBatchCommand(RegisterSql);
            AddKey(command.Parameters, clusterId, grainId);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = mine.Address });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = mine.Generation });
            return command;
        }

        protected override (bool Inserted, GrainLocation? Holder) Read(NpgsqlDataReader row) => Outcome(row);
    }
}
