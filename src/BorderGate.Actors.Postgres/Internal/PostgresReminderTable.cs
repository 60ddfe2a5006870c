using BorderGate.Actors.Reminders;
using Npgsql;

namespace BorderGate.Actors.Postgres.Internal;

/// <summary>
/// Reminder rows with the grain's uniform hash (as bigint, 0..2³²−1) for ring-range reads. Reminder writes
/// are rare, so they commit on their own rather than through the group-commit writers.
/// </summary>
internal sealed class PostgresReminderTable : IReminderTable
{
    private const string Columns = "grain_type, grain_key, reminder_name, start_at, period, etag";

    private const string SelectByGrainSql =
        $"SELECT {Columns} FROM reminders WHERE grain_type = $1 AND grain_key = $2 ORDER BY reminder_name COLLATE \"C\";";

    private const string SelectRowSql =
        $"SELECT {Columns} FROM reminders WHERE grain_type = $1 AND grain_key = $2 AND reminder_name = $3;";

    private const string SelectRangeSql =
        $"SELECT {Columns} FROM reminders WHERE grain_hash > $1 AND grain_hash <= $2;";

    private const string SelectWrappedRangeSql =
        $"SELECT {Columns} FROM reminders WHERE grain_hash > $1 OR grain_hash <= $2;";

    private const string UpsertSql =
        """
        INSERT INTO reminders (grain_type, grain_key, reminder_name, grain_hash, start_at, period, etag)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (grain_type, grain_key, reminder_name) DO UPDATE
        SET grain_hash = excluded.grain_hash, start_at = excluded.start_at, period = excluded.period, etag = excluded.etag;
        """;

    private const string DeleteSql =
        "DELETE FROM reminders WHERE grain_type = $1 AND grain_key = $2 AND reminder_name = $3 AND etag = $4;";

    private readonly PostgresDatabase _database;

    public PostgresReminderTable(PostgresDatabase database) => _database = database;

    public ValueTask<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId, CancellationToken cancellationToken) =>
        new(_database.RunAsync<IReadOnlyList<ReminderEntry>>("read reminders of a grain", (dataSource, ct) =>
            ReadAllAsync(dataSource, SelectByGrainSql, [grainId.Type, grainId.Key], ct), cancellationToken));

    public ValueTask<IReadOnlyList<ReminderEntry>> ReadRowsAsync(uint beginExclusive, uint endInclusive, CancellationToken cancellationToken) =>
        new(_database.RunAsync<IReadOnlyList<ReminderEntry>>("read reminders of a hash range", (dataSource, ct) =>
            ReadAllAsync(dataSource, beginExclusive < endInclusive ? SelectRangeSql : SelectWrappedRangeSql, [(long)beginExclusive, (long)endInclusive], ct),
            cancellationToken));

    public ValueTask<ReminderEntry?> ReadRowAsync(GrainId grainId, string reminderName, CancellationToken cancellationToken) =>
        new(_database.RunAsync("read a reminder", async (dataSource, ct) =>
            await ReadAllAsync(dataSource, SelectRowSql, [grainId.Type, grainId.Key, reminderName], ct).ConfigureAwait(false) is [var row] ? row : null,
            cancellationToken));

    public ValueTask<string> UpsertRowAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(_database.RunAsync("write a reminder", async (dataSource, ct) =>
        {
            var eTag = ETags.New();
            await using var command = dataSource.CreateCommand(UpsertSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entry.GrainId.Type });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entry.GrainId.Key });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entry.ReminderName });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = entry.GrainId.GetUniformHashCode() });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = entry.StartAt.ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = entry.Period });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eTag });
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return eTag;
        }, cancellationToken));
    }

    public ValueTask<bool> RemoveRowAsync(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken) =>
        new(_database.RunAsync("remove a reminder", async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand(DeleteSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Type });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Key });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reminderName });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eTag });
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken));

    private static async Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(NpgsqlDataSource dataSource, string sql, object[] values, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<ReminderEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new ReminderEntry(
                new GrainId(reader.GetString(0), reader.GetString(1)),
                reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<TimeSpan>(4),
                reader.GetString(5)));
        }

        return rows;
    }
}
