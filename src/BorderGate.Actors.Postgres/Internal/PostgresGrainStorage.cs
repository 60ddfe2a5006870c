using System.Text;
using BorderGate.Actors.Storage;
using Npgsql;
using NpgsqlTypes;

namespace BorderGate.Actors.Postgres.Internal;

/// <summary>
/// Grain state as JSONB in grain_state, with the same ETag contract as the in-memory provider. Each write
/// statement returns (new ETag or null, ETag stored before the statement) so that a lost race is told apart
/// from success, with the winner's ETag for the message, in the same round trip.
/// </summary>
internal sealed class PostgresGrainStorage : IGrainStorage
{
    private const string Stored =
        "(SELECT etag FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3)";

    private const string SelectSql =
        "SELECT state::text, etag FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3;";

    private const string InsertSql =
        $"""
        WITH written AS (
            INSERT INTO grain_state (grain_type, grain_key, state_name, etag, state, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING etag)
        SELECT (SELECT etag FROM written), {Stored};
        """;

    private const string UpdateSql =
        $"""
        WITH written AS (
            UPDATE grain_state SET etag = $4, state = $5, updated_at = $6
            WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND etag = $7 RETURNING etag)
        SELECT (SELECT etag FROM written), {Stored};
        """;

    private const string DeleteSql =
        $"""
        WITH deleted AS (
            DELETE FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND etag = $4 RETURNING etag)
        SELECT (SELECT etag FROM deleted), {Stored};
        """;

    private const string ClearMissingSql = $"SELECT NULL::text, {Stored};";

    private readonly PostgresDatabase _database;

    public PostgresGrainStorage(PostgresDatabase database) => _database = database;

    public ValueTask<GrainStateRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken) =>
        new(_database.RunAsync("read grain state", async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand(SelectSql);
            AddKey(command.Parameters, grainId, stateName);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false)
                ? new GrainStateRecord(Encoding.UTF8.GetBytes(reader.GetString(0)), reader.GetString(1))
                : null;
        }, cancellationToken));

    public ValueTask<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> json, string? expectedETag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        var write = new WriteState(stateName, grainId, Encoding.UTF8.GetString(json.Span), expectedETag, _database.TimeProvider.GetUtcNow());
        return new(_database.WriteAsync(write, grainId.GetHashCode(), cancellationToken));
    }

    public ValueTask ClearAsync(string stateName, GrainId grainId, string? expectedETag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        return new(_database.WriteAsync(new ClearState(stateName, grainId, expectedETag), grainId.GetHashCode(), cancellationToken));
    }

    private static void AddKey(NpgsqlParameterCollection parameters, GrainId grainId, string stateName)
    {
        parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Type });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Key });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = stateName });
    }

    private sealed class WriteState(string stateName, GrainId grainId, string json, string? expectedETag, DateTimeOffset now) : PostgresWrite<string>
    {
        private readonly string _eTag = ETags.New();

        public override NpgsqlBatchCommand CreateCommand()
        {
            var command = new NpgsqlBatchCommand(expectedETag is null ? InsertSql : UpdateSql);
            AddKey(command.Parameters, grainId, stateName);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _eTag });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = json, NpgsqlDbType = NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            if (expectedETag is not null)
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = expectedETag });
            }

            return command;
        }

        protected override string Read(NpgsqlDataReader row) =>
            row.IsDBNull(0)
                ? throw InconsistentStateException.ForState(stateName, grainId, row.IsDBNull(1) ? null : row.GetString(1), expectedETag)
                : row.GetString(0);
    }

    private sealed class ClearState(string stateName, GrainId grainId, string? expectedETag) : PostgresWrite<bool>
    {
        public override NpgsqlBatchCommand CreateCommand()
        {
            var command = new NpgsqlBatchCommand(expectedETag is null ? ClearMissingSql : DeleteSql);
            AddKey(command.Parameters, grainId, stateName);
            if (expectedETag is not null)
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = expectedETag });
            }

            return command;
        }

        protected override bool Read(NpgsqlDataReader row)
        {
            var stored = row.IsDBNull(1) ? null : row.GetString(1);
            // With no expected ETag, success means nothing was stored; otherwise it means the row was deleted.
            var succeeded = expectedETag is null ? stored is null : !row.IsDBNull(0);
            return succeeded ? true : throw InconsistentStateException.ForState(stateName, grainId, stored, expectedETag);
        }
    }
}
