using System.Globalization;
using System.Text;
using BorderGate.Actors.Streams;

namespace BorderGate.Actors.Sqlite.Internal;

/// <summary>
/// The event log in the event_log table. The sequence is taken inside the writer loop's transaction as the
/// stream's highest plus one; a single writer makes that gapless and unique without further locking.
/// </summary>
internal sealed class SqliteEventLog : IEventLog
{
    private const string AppendSql =
        """
        INSERT INTO event_log (stream_namespace, stream_key, sequence, event_type, payload, occurred_at)
        SELECT @p0, @p1, COALESCE(MAX(sequence), 0) + 1, @p2, @p3, @p4
        FROM event_log WHERE stream_namespace = @p0 AND stream_key = @p1
        RETURNING sequence;
        """;

    private const string ReadSql =
        """
        SELECT sequence, event_type, payload, occurred_at FROM event_log
        WHERE stream_namespace = @p0 AND stream_key = @p1 AND sequence > @p2
        ORDER BY sequence LIMIT @p3;
        """;

    private const string LastSequenceSql =
        "SELECT COALESCE(MAX(sequence), 0) FROM event_log WHERE stream_namespace = @p0 AND stream_key = @p1;";

    private readonly SqliteDatabase _database;

    public SqliteEventLog(SqliteDatabase database) => _database = database;

    public ValueTask<long> AppendAsync(StreamId streamId, string eventType, ReadOnlyMemory<byte> payload, DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        var append = new Append(streamId, eventType, Encoding.UTF8.GetString(payload.Span), timestamp.ToString("O", CultureInfo.InvariantCulture));
        return new(_database.WriteAsync(append, cancellationToken));
    }

    public ValueTask<IReadOnlyList<EventRecord>> ReadAsync(StreamId streamId, long afterSequence, int maxCount, CancellationToken cancellationToken) =>
        new(_database.ReadAsync<IReadOnlyList<EventRecord>>("read events", session =>
        {
            using var reader = session.Command(ReadSql, streamId.Namespace, streamId.Key, afterSequence, maxCount).ExecuteReader();
            var events = new List<EventRecord>();
            while (reader.Read())
            {
                events.Add(new EventRecord(
                    streamId,
                    reader.GetInt64(0),
                    reader.GetString(1),
                    Encoding.UTF8.GetBytes(reader.GetString(2)),
                    DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)));
            }

            return events;
        }, cancellationToken));

    public ValueTask<long> GetLastSequenceAsync(StreamId streamId, CancellationToken cancellationToken) =>
        new(_database.ReadAsync("read the last sequence", session =>
            (long)session.Command(LastSequenceSql, streamId.Namespace, streamId.Key).ExecuteScalar()!, cancellationToken));

    private sealed class Append(StreamId streamId, string eventType, string payload, string occurredAt) : SqliteWrite<long>
    {
        protected override long Run(SqliteSession session) =>
            (long)session.Command(AppendSql, streamId.Namespace, streamId.Key, eventType, payload, occurredAt).ExecuteScalar()!;
    }
}
