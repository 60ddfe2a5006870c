using System.Globalization;
using System.Text;
using BorderGate.Actors.Storage;

namespace BorderGate.Actors.Sqlite.Internal;

/// <summary>Grain state in the grain_state table, with the same ETag contract as the in-memory provider.</summary>
internal sealed class SqliteGrainStorage : IGrainStorage
{
    private const string SelectSql =
        "SELECT json, etag FROM grain_state WHERE grain_type = @p0 AND grain_key = @p1 AND state_name = @p2;";

    private const string SelectETagSql =
        "SELECT etag FROM grain_state WHERE grain_type = @p0 AND grain_key = @p1 AND state_name = @p2;";

    private const string InsertSql =
        "INSERT INTO grain_state (grain_type, grain_key, state_name, etag, json, updated_at) VALUES (@p0, @p1, @p2, @p3, @p4, @p5) ON CONFLICT DO NOTHING;";

    private const string UpdateSql =
        "UPDATE grain_state SET etag = @p3, json = @p4, updated_at = @p5 WHERE grain_type = @p0 AND grain_key = @p1 AND state_name = @p2 AND etag = @p6;";

    private const string DeleteSql =
        "DELETE FROM grain_state WHERE grain_type = @p0 AND grain_key = @p1 AND state_name = @p2 AND etag = @p3;";

    private readonly SqliteDatabase _database;

    public SqliteGrainStorage(SqliteDatabase database) => _database = database;

    public ValueTask<GrainStateRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken) =>
        new(_database.ReadAsync("read grain state", session =>
        {
            using var reader = session.Command(SelectSql, grainId.Type, grainId.Key, stateName).ExecuteReader();
            return reader.Read()
                ? new GrainStateRecord(Encoding.UTF8.GetBytes(reader.GetString(0)), reader.GetString(1))
                : null;
        }, cancellationToken));

    public ValueTask<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> json, string? expectedETag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        var write = new WriteState(stateName, grainId, Encoding.UTF8.GetString(json.Span), expectedETag, _database.TimeProvider.GetUtcNow());
        return new(_database.WriteAsync(write, cancellationToken));
    }

    public ValueTask ClearAsync(string stateName, GrainId grainId, string? expectedETag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        return new(_database.WriteAsync(new ClearState(stateName, grainId, expectedETag), cancellationToken));
    }

    private static InconsistentStateException Conflict(SqliteSession session, string stateName, GrainId grainId, string? expectedETag)
    {
        var stored = session.Command(SelectETagSql, grainId.Type, grainId.Key, stateName).ExecuteScalar() as string;
        return InconsistentStateException.ForState(stateName, grainId, stored, expectedETag);
    }

    private sealed class WriteState(string stateName, GrainId grainId, string json, string? expectedETag, DateTimeOffset now) : SqliteWrite<string>
    {
        protected override string Run(SqliteSession session)
        {
            var eTag = ETags.New();
            var updatedAt = now.ToString("O", CultureInfo.InvariantCulture);
            var changed = expectedETag is null
                ? session.Command(InsertSql, grainId.Type, grainId.Key, stateName, eTag, json, updatedAt).ExecuteNonQuery()
                : session.Command(UpdateSql, grainId.Type, grainId.Key, stateName, eTag, json, updatedAt, expectedETag).ExecuteNonQuery();
            return changed == 1 ? eTag : throw Conflict(session, stateName, grainId, expectedETag);
        }
    }

    private sealed class ClearState(string stateName, GrainId grainId, string? expectedETag) : SqliteWrite<bool>
    {
        protected override bool Run(SqliteSession session)
        {
            if (expectedETag is null)
            {
                // Clearing what was never written is fine; clearing someone else's record is not.
                return session.Command(SelectETagSql, grainId.Type, grainId.Key, stateName).ExecuteScalar() is null
                    ? true
                    : throw Conflict(session, stateName, grainId, expectedETag);
            }

            return session.Command(DeleteSql, grainId.Type, grainId.Key, stateName, expectedETag).ExecuteNonQuery() == 1
                ? true
                : throw Conflict(session, stateName, grainId, expectedETag);
        }
    }
}
