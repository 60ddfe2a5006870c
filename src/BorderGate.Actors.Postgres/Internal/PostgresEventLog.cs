using System.Text;
using BorderGate.Actors.Streams;
using Npgsql;
using NpgsqlTypes;

namespace BorderGate.Actors.Postgres.Internal;

/// <summary>
/// The event log in event_log. The next sequence comes from the stream's row in event_streams, incremented
/// in the same statement as the insert: appenders from any silo queue on that row lock, and a rolled-back
/// append rolls its number back too, so sequences stay 1, 2, 3… without gaps.
/// </summary>
internal sealed class PostgresEventLog : IEventLog
{
    private const string AppendSql =
        """
        WITH head AS (
            INSERT INTO event_streams (stream_namespace, stream_key, last_sequence) VALUES ($1, $2, 1)
            ON CONFLICT (stream_namespace, stream_key) DO UPDATE SET last_sequence = event_streams.last_sequence + 1
            RETURNING last_sequence)
        INSERT INTO event_log (stream_namespace, stream_key, sequence, event_type, payload, occurred_at)
        SELECT $1, $2, head.last_sequence, $3, $4, $5 FROM head
        RETURNING sequence;
        """;

    private const string ReadSql =
        """
        SELECT sequence, event_type, payload::text, occurred_at FROM event_log
        WHERE stream_namespace = $1 AND stream_key = $2 AND sequence > $3
        ORDER BY sequence LIMIT $4;
        """;

    private const string LastSequenceSql =
        "SELECT COALESCE((SELECT last_sequence FROM event_streams WHERE stream_namespace = $1 AND stream_key = $2), 0);";

    private readonly PostgresDatabase _database;

    public PostgresEventLog(PostgresDatabase database) => _database = database;

    public ValueTask<long> AppendAsync(StreamId streamId, string eventType, ReadOnlyMemory<byte> payload, DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        var append = new Append(streamId, eventType, Encoding.UTF8.GetString(payload.Span), timestamp);
        return new(_database.WriteAsync(append, streamId.GetHashCode(), cancellationToken));
    }

    public ValueTask<IReadOnlyList<EventRecord>> ReadAsync(StreamId streamId, long afterSequence, int maxCount, CancellationToken cancellationToken) =>
        new(_database.RunAsync<IReadOnlyList<EventRecord>>("read events", async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand(ReadSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId.Namespace });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId.Key });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSequence });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Max(0, maxCount) });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var events = new List<EventRecord>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                events.Add(new EventRecord(
                    streamId,
                    reader.GetInt64(0),
                    reader.GetString(1),
                    Encoding.UTF8.GetBytes(reader.GetString(2)),
                    reader.GetFieldValue<DateTimeOffset>(3)));
            }

            return events;
        }, cancellationToken));

    public ValueTask<long> GetLastSequenceAsync(StreamId streamId, CancellationToken cancellationToken) =>
        new(_database.RunAsync("read the last sequence", async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand(LastSequenceSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId.Namespace });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId.Key });
            return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }, cancellationToken));

    private sealed class Append(StreamId streamId, string eventType, string payload, DateTimeOffset timestamp) : PostgresWrite<long>
    {
        public override NpgsqlBatchCommand CreateCommand()
        {
            var command = new NpgsqlBatchCommand(AppendSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId.Namespace });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId.Key });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eventType });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = payload, NpgsqlDbType = NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = timestamp.ToUniversalTime() });
            return command;
        }

        protected override long Read(NpgsqlDataReader row) => row.GetInt64(0);
    }
}
