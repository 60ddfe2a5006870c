using System.Globalization;
using BorderGate.Actors.Reminders;
using Microsoft.Data.Sqlite;

namespace BorderGate.Actors.Sqlite.Internal;

/// <summary>Reminder rows in the reminders table, with the grain's uniform hash for ring-range reads.</summary>
internal sealed class SqliteReminderTable : IReminderTable
{
    private const string Columns = "grain_type, grain_key, reminder_name, start_at, period_ticks, etag";

    private const string SelectByGrainSql =
        $"SELECT {Columns} FROM reminders WHERE grain_type = @p0 AND grain_key = @p1 ORDER BY reminder_name;";

    private const string SelectRowSql =
        $"SELECT {Columns} FROM reminders WHERE grain_type = @p0 AND grain_key = @p1 AND reminder_name = @p2;";

    private const string SelectRangeSql =
        $"SELECT {Columns} FROM reminders WHERE grain_hash > @p0 AND grain_hash <= @p1;";

    private const string SelectWrappedRangeSql =
        $"SELECT {Columns} FROM reminders WHERE grain_hash > @p0 OR grain_hash <= @p1;";

    private const string UpsertSql =
        """
        INSERT INTO reminders (grain_type, grain_key, reminder_name, grain_hash, start_at, period_ticks, etag)
        VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6)
        ON CONFLICT (grain_type, grain_key, reminder_name) DO UPDATE
        SET grain_hash = excluded.grain_hash, start_at = excluded.start_at, period_ticks = excluded.period_ticks, etag = excluded.etag;
        """;

    private const string DeleteSql =
        "DELETE FROM reminders WHERE grain_type = @p0 AND grain_key = @p1 AND reminder_name = @p2 AND etag = @p3;";

    private readonly SqliteDatabase _database;

    public SqliteReminderTable(SqliteDatabase database) => _database = database;

    public ValueTask<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId, CancellationToken cancellationToken) =>
        new(_database.ReadAsync<IReadOnlyList<ReminderEntry>>("read reminders of a grain", session =>
            ReadAll(session.Command(SelectByGrainSql, grainId.Type, grainId.Key)), cancellationToken));

    public ValueTask<IReadOnlyList<ReminderEntry>> ReadRowsAsync(uint beginExclusive, uint endInclusive, CancellationToken cancellationToken) =>
        new(_database.ReadAsync<IReadOnlyList<ReminderEntry>>("read reminders of a hash range", session =>
            ReadAll(session.Command(beginExclusive < endInclusive ? SelectRangeSql : SelectWrappedRangeSql, (long)beginExclusive, (long)endInclusive)),
            cancellationToken));

    public ValueTask<ReminderEntry?> ReadRowAsync(GrainId grainId, string reminderName, CancellationToken cancellationToken) =>
        new(_database.ReadAsync("read a reminder", session =>
            ReadAll(session.Command(SelectRowSql, grainId.Type, grainId.Key, reminderName)) is [var row] ? row : null,
            cancellationToken));

    public ValueTask<string> UpsertRowAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(_database.WriteAsync(new UpsertRow(entry), cancellationToken));
    }

    public ValueTask<bool> RemoveRowAsync(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken) =>
        new(_database.WriteAsync(new RemoveRow(grainId, reminderName, eTag), cancellationToken));

    private static List<ReminderEntry> ReadAll(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var rows = new List<ReminderEntry>();
        while (reader.Read())
        {
            rows.Add(new ReminderEntry(
                new GrainId(reader.GetString(0), reader.GetString(1)),
                reader.GetString(2),
                DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                TimeSpan.FromTicks(reader.GetInt64(4)),
                reader.GetString(5)));
        }

        return rows;
    }

    private sealed class UpsertRow(ReminderEntry entry) : SqliteWrite<string>
    {
        protected override string Run(SqliteSession session)
        {
            var eTag = ETags.New();
            session.Command(
                UpsertSql,
                entry.GrainId.Type,
                entry.GrainId.Key,
                entry.ReminderName,
                (long)entry.GrainId.GetUniformHashCode(),
                entry.StartAt.ToString("O", CultureInfo.InvariantCulture),
                entry.Period.Ticks,
                eTag).ExecuteNonQuery();
            return eTag;
        }
    }

    private sealed class RemoveRow(GrainId grainId, string reminderName, string eTag) : SqliteWrite<bool>
    {
        protected override bool Run(SqliteSession session) =>
            session.Command(DeleteSql, grainId.Type, grainId.Key, reminderName, eTag).ExecuteNonQuery() == 1;
    }
}
