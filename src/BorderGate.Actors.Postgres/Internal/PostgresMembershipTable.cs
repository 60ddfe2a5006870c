using System.Text.Json;
using BorderGate.Actors.Membership;
using Npgsql;

namespace BorderGate.Actors.Postgres.Internal;

/// <summary>
/// The membership table on PostgreSQL (deploy/sql/postgres/V002__membership.sql). A change advances the cluster's version
/// row first, conditionally on the version it was decided on, and changes the silo's row second, in one transaction:
/// concurrent changes queue on the version row's lock and all but the first find the version moved and fail.
/// </summary>
internal sealed class PostgresMembershipTable : IMembershipTable
{
    private const string EnsureVersionSql =
        "INSERT INTO membership_version (cluster_id, version, changed_at) VALUES ($1, 0, now()) ON CONFLICT (cluster_id) DO NOTHING;";

    // One statement: the version, the clock and the rows as of one snapshot.
    private const string ReadAllSql =
        """
        SELECT v.version, now(), s.address, s.generation, s.status, s.host_name, s.started_at, s.i_am_alive_at, s.suspicions::text, s.etag,
               s.client_address
        FROM membership_version v LEFT JOIN membership_silos s ON s.cluster_id = v.cluster_id
        WHERE v.cluster_id = $1
        ORDER BY s.address COLLATE "C", s.generation;
        """;

    private const string AdvanceVersionSql =
        "UPDATE membership_version SET version = version + 1, changed_at = now() WHERE cluster_id = $1 AND version = $2;";

    private const string InsertSql =
        """
        INSERT INTO membership_silos (cluster_id, address, generation, status, host_name, started_at, i_am_alive_at, suspicions, etag, client_address)
        VALUES ($1, $2, $3, $4, $5, now(), now(), $6::jsonb, $7, $8)
        ON CONFLICT (cluster_id, address, generation) DO NOTHING;
        """;

    private const string UpdateSql =
        """
        UPDATE membership_silos SET status = $4, suspicions = $5::jsonb, etag = $6
        WHERE cluster_id = $1 AND address = $2 AND generation = $3 AND etag = $7;
        """;

    private const string RenewSql =
        "UPDATE membership_silos SET i_am_alive_at = now() WHERE cluster_id = $1 AND address = $2 AND generation = $3 AND status <> 4;";

    // The directory rows of the silos deleted go with them: a row left to a silo no longer in the table would name a holder
    // that is neither alive nor known dead, and its grain could not be reached or taken over again.
    private const string DeleteDefunctSql =
        """
        WITH defunct AS (
            DELETE FROM membership_silos WHERE cluster_id = $1 AND status = 4 AND i_am_alive_at < now() - $2
            RETURNING address, generation),
        released AS (
            DELETE FROM grain_directory AS d USING defunct
            WHERE d.cluster_id = $1 AND d.address = defunct.address AND d.generation = defunct.generation)
        SELECT count(*)::int FROM defunct;
        """;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly PostgresDatabase _database;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _versionRows = new(StringComparer.Ordinal);

    public PostgresMembershipTable(PostgresDatabase database) => _database = database;

    public ValueTask<MembershipView> ReadAllAsync(string clusterId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        return new(_database.RunAsync("read the membership table", async (dataSource, ct) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await EnsureVersionRowAsync(connection, clusterId, ct).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(ReadAllSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            long version = 0;
            var readAt = DateTimeOffset.MinValue;
            var silos = new List<SiloEntry>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                version = reader.GetInt64(0);
                readAt = reader.GetFieldValue<DateTimeOffset>(1);
                if (reader.IsDBNull(2))
                {
                    continue;
                }

                silos.Add(new SiloEntry(
                    reader.GetString(2),
                    reader.GetInt64(3),
                    (SiloStatus)reader.GetInt16(4),
                    reader.GetString(5),
                    reader.GetFieldValue<DateTimeOffset>(6),
                    reader.GetFieldValue<DateTimeOffset>(7),
                    JsonSerializer.Deserialize<SuspectVote[]>(reader.GetString(8), s_json) ?? [],
                    reader.GetString(9),
                    reader.IsDBNull(10) ? null : reader.GetString(10)));
            }

            return new MembershipView(version, readAt, silos);
        }, cancellationToken));
    }

    public ValueTask<bool> TryInsertAsync(string clusterId, SiloEntry entry, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        ArgumentNullException.ThrowIfNull(entry);
        return new(ChangeAsync("insert a silo into the membership table", clusterId, expectedVersion, (connection, transaction) =>
        {
            var insert = new NpgsqlCommand(InsertSql, connection, transaction);
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entry.Address });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = entry.Generation });
            insert.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)entry.Status });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entry.HostName });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(entry.Suspicions, s_json) });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ETags.New() });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)entry.ClientAddress ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            return insert;
        }, cancellationToken));
    }

    public ValueTask<bool> TryUpdateAsync(string clusterId, SiloEntry entry, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        ArgumentNullException.ThrowIfNull(entry);
        return new(ChangeAsync("update a silo in the membership table", clusterId, expectedVersion, (connection, transaction) =>
        {
            var update = new NpgsqlCommand(UpdateSql, connection, transaction);
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entry.Address });
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = entry.Generation });
            update.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)entry.Status });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(entry.Suspicions, s_json) });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ETags.New() });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entry.ETag });
            return update;
        }, cancellationToken));
    }

    public ValueTask<bool> RenewAsync(string clusterId, string address, long generation, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        return new(_database.RunAsync("renew a silo's lease", async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand(RenewSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = address });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = generation });
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken));
    }

    public ValueTask<int> DeleteDefunctAsync(string clusterId, TimeSpan olderThan, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        return new(_database.RunAsync("delete defunct silos from the membership table", async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand(DeleteDefunctSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
            command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = olderThan });
            return (int)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }, cancellationToken));
    }

    /// <summary>The version advanced from <paramref name="expectedVersion"/> and the row changed, both or neither.</summary>
    private Task<bool> ChangeAsync(string operation, string clusterId, long expectedVersion, Func<NpgsqlConnection, NpgsqlTransaction, NpgsqlCommand> change, CancellationToken cancellationToken) =>
        _database.RunAsync(operation, async (dataSource, ct) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await EnsureVersionRowAsync(connection, clusterId, ct).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (var advance = new NpgsqlCommand(AdvanceVersionSql, connection, transaction))
            {
                advance.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
                advance.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expectedVersion });
                if (await advance.ExecuteNonQueryAsync(ct).ConfigureAwait(false) != 1)
                {
                    return false;
                }
            }

            await using (var command = change(connection, transaction))
            {
                if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) != 1)
                {
                    return false;
                }
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>
    /// The cluster's version row, inserted on first use; once seen, not asked for again (it is never deleted), so a silo's
    /// reads every second cost one statement, not two.
    /// </summary>
    private async Task EnsureVersionRowAsync(NpgsqlConnection connection, string clusterId, CancellationToken cancellationToken)
    {
        if (_versionRows.ContainsKey(clusterId))
        {
            return;
        }

        await using var command = new NpgsqlCommand(EnsureVersionSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        _versionRows.TryAdd(clusterId, 0);
    }
}
