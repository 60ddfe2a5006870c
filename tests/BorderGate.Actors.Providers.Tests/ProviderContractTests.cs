using System.Text;
using System.Text.Json.Nodes;
using BorderGate.Actors.Memory;
using BorderGate.Actors.Reminders;
using BorderGate.Actors.Storage;
using BorderGate.Actors.Streams;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace BorderGate.Actors.Providers.Tests;

/// <summary>
/// The contract every provider of grain state, reminders and the event log must keep, run against each
/// provider by a subclass. Every test uses its own grain type and stream namespace, so tests that share a
/// database do not see each other's rows.
/// </summary>
public abstract class ProviderContractTests : IAsyncLifetime
{
    private const string StateName = "state";
    private ServiceProvider? _services;

    protected string GrainType { get; } = "t" + Guid.NewGuid().ToString("N")[..12];

    protected IGrainStorage Storage { get; private set; } = null!;

    protected IReminderTable Reminders { get; private set; } = null!;

    protected IEventLog Events { get; private set; } = null!;

    protected static CancellationToken None => CancellationToken.None;

    public virtual Task InitializeAsync() => OpenAsync();

    public virtual async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    protected abstract void AddProviders(IServiceCollection services);

    /// <summary>Builds the providers afresh and runs their initializers, as a silo does at start.</summary>
    protected async Task OpenAsync()
    {
        var services = new ServiceCollection();
        AddProviders(services);
        _services = services.BuildServiceProvider();
        await InitializeStorageAsync();
        Storage = _services.GetRequiredKeyedService<IGrainStorage>(ProviderNames.Default);
        Reminders = _services.GetRequiredService<IReminderTable>();
        Events = _services.GetRequiredService<IEventLog>();
    }

    protected async Task InitializeStorageAsync()
    {
        foreach (var initializer in _services!.GetServices<IStorageInitializer>())
        {
            await initializer.InitializeAsync(None);
        }
    }

    /// <summary>Stops the providers (as at process exit) and opens them again on the same store.</summary>
    protected async Task ReopenAsync()
    {
        await _services!.DisposeAsync();
        _services = null;
        await OpenAsync();
    }

    protected GrainId Grain(string key) => new(GrainType, key);

    protected StreamId Stream(string key) => new(GrainType, key);

    protected static byte[] Json(string json) => Encoding.UTF8.GetBytes(json);

    /// <summary>PostgreSQL's jsonb normalizes whitespace and key order, so JSON is compared by value.</summary>
    protected static void AssertSameJson(string expected, ReadOnlyMemory<byte> actual) =>
        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual.Span)),
            $"Expected {expected} but found {Encoding.UTF8.GetString(actual.Span)}");

    [Fact]
    public async Task Appends_IssuedWithoutWaiting_AreSequencedInTheOrderTheyWereIssued()
    {
        // Publishers do not wait for one event's commit before the next (a truck's steps, the gate's call of the next
        // truck after a lane is freed): the feed's order is the order of the calls, also across batches.
        var lane = Stream("lane-7");
        var appends = new List<Task<long>>();
        for (var i = 0; i < 300; i++)
        {
            appends.Add(Events.AppendAsync(lane, "Step", Json($$"""{"n":{{i}}}"""), DateTimeOffset.UnixEpoch, None).AsTask());
            if (i % 7 == 0)
            {
                _ = await Events.AppendAsync(Stream($"other-{i}"), "Noise", Json("{}"), DateTimeOffset.UnixEpoch, None);
            }
        }

        Assert.Equal(Enumerable.Range(1, 300).Select(n => (long)n), await Task.WhenAll(appends));
        var stored = await Events.ReadAsync(lane, 0, 1000, None);
        Assert.Equal(Enumerable.Range(0, 300), stored.Select(e => JsonNode.Parse(e.Payload.Span)!["n"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Read_Missing_ReturnsNull()
    {
        Assert.Null(await Storage.ReadAsync(StateName, Grain("missing"), None));
    }

    [Fact]
    public async Task Write_ThenRead_ReturnsJsonAndETag()
    {
        var grain = Grain("truck-1");
        var eTag = await Storage.WriteAsync(StateName, grain, Json("""{"plate":"29C-123.45","weightKg":31500,"tags":["reefer"]}"""), null, None);

        var record = await Storage.ReadAsync(StateName, grain, None);

        Assert.NotNull(record);
        Assert.Equal(eTag, record.ETag);
        AssertSameJson("""{"plate":"29C-123.45","weightKg":31500,"tags":["reefer"]}""", record.Json);
        Assert.Null(await Storage.ReadAsync("other-state", grain, None));
    }

    [Fact]
    public async Task Write_WithCurrentETag_ReplacesValueAndChangesETag()
    {
        var grain = Grain("truck-2");
        var first = await Storage.WriteAsync(StateName, grain, Json("""{"n":1}"""), null, None);

        var second = await Storage.WriteAsync(StateName, grain, Json("""{"n":2}"""), first, None);

        Assert.NotEqual(first, second);
        var record = await Storage.ReadAsync(StateName, grain, None);
        Assert.Equal(second, record!.ETag);
        AssertSameJson("""{"n":2}""", record.Json);
    }

    [Fact]
    public async Task Write_StaleETag_IsRejectedAndNothingOverwritten()
    {
        var grain = Grain("truck-3");
        var first = await Storage.WriteAsync(StateName, grain, Json("""{"n":1}"""), null, None);
        var second = await Storage.WriteAsync(StateName, grain, Json("""{"n":2}"""), first, None);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteAsync(StateName, grain, Json("""{"n":3}"""), first, None).AsTask());

        Assert.Equal(first, conflict.ExpectedETag);
        Assert.Equal(second, conflict.StoredETag);
        var record = await Storage.ReadAsync(StateName, grain, None);
        Assert.Equal(second, record!.ETag);
        AssertSameJson("""{"n":2}""", record.Json);
    }

    [Fact]
    public async Task Write_CreateWhenRecordExists_IsRejected()
    {
        var grain = Grain("truck-4");
        var stored = await Storage.WriteAsync(StateName, grain, Json("""{"n":1}"""), null, None);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteAsync(StateName, grain, Json("""{"n":2}"""), null, None).AsTask());

        Assert.Equal(stored, conflict.StoredETag);
        AssertSameJson("""{"n":1}""", (await Storage.ReadAsync(StateName, grain, None))!.Json);
    }

    [Fact]
    public async Task Write_ETagWhenNoRecord_IsRejectedAndNothingCreated()
    {
        var grain = Grain("truck-5");

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteAsync(StateName, grain, Json("""{"n":1}"""), "made-up-etag", None).AsTask());

        Assert.Null(await Storage.ReadAsync(StateName, grain, None));
    }

    [Fact]
    public async Task Clear_WithCurrentETag_RemovesRecord()
    {
        var grain = Grain("truck-6");
        var eTag = await Storage.WriteAsync(StateName, grain, Json("""{"n":1}"""), null, None);

        await Storage.ClearAsync(StateName, grain, eTag, None);

        Assert.Null(await Storage.ReadAsync(StateName, grain, None));
        // A cleared record can be created again from scratch.
        await Storage.WriteAsync(StateName, grain, Json("""{"n":2}"""), null, None);
    }

    [Fact]
    public async Task Clear_WithWrongETag_IsRejectedAndRecordKept()
    {
        var grain = Grain("truck-7");
        var eTag = await Storage.WriteAsync(StateName, grain, Json("""{"n":1}"""), null, None);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync(StateName, grain, "wrong", None).AsTask());
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync(StateName, grain, null, None).AsTask());

        Assert.Equal(eTag, (await Storage.ReadAsync(StateName, grain, None))!.ETag);
    }

    [Fact]
    public async Task Clear_MissingRecordWithoutETag_Succeeds()
    {
        await Storage.ClearAsync(StateName, Grain("never-written"), null, None);
    }

    [Fact]
    public async Task Write_AlreadyCancelled_ThrowsAndWritesNothing()
    {
        var grain = Grain("truck-8");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Storage.WriteAsync(StateName, grain, Json("""{"n":1}"""), null, cancelled.Token).AsTask());

        Assert.Null(await Storage.ReadAsync(StateName, grain, None));
    }

    [Fact]
    public async Task Write_HundredRacersWithSameETag_ExactlyOneWins()
    {
        var grain = Grain("lane-3");
        var start = await Storage.WriteAsync(StateName, grain, Json("""{"writer":-1}"""), null, None);

        var attempts = Enumerable.Range(0, 100).Select(async writer =>
        {
            await Task.Yield();
            try
            {
                return (Writer: writer, ETag: (string?)await Storage.WriteAsync(StateName, grain, Json($$"""{"writer":{{writer}}}"""), start, None));
            }
            catch (InconsistentStateException)
            {
                return (Writer: writer, ETag: null);
            }
        }).ToList();
        var outcomes = await Task.WhenAll(attempts);

        var winner = Assert.Single(outcomes, o => o.ETag is not null);
        var record = await Storage.ReadAsync(StateName, grain, None);
        Assert.Equal(winner.ETag, record!.ETag);
        AssertSameJson($$"""{"writer":{{winner.Writer}}}""", record.Json);
    }

    [Fact]
    public async Task Write_ManyGrainsConcurrently_AllStored()
    {
        var writes = Enumerable.Range(0, 300).Select(i => Storage.WriteAsync(StateName, Grain($"g{i}"), Json($$"""{"i":{{i}}}"""), null, None).AsTask());
        var eTags = await Task.WhenAll(writes);

        Assert.Equal(eTags.Length, eTags.Distinct(StringComparer.Ordinal).Count());
        for (var i = 0; i < 300; i += 37)
        {
            var record = await Storage.ReadAsync(StateName, Grain($"g{i}"), None);
            Assert.Equal(eTags[i], record!.ETag);
            AssertSameJson($$"""{"i":{{i}}}""", record.Json);
        }
    }

    [Fact]
    public async Task Append_ConcurrentAppenders_GetGaplessUniqueSequences()
    {
        var streams = new[] { Stream("gate-a"), Stream("gate-b") };
        var appends = Enumerable.Range(0, 400).Select(async i =>
        {
            await Task.Yield();
            var stream = streams[i % 2];
            return (Stream: stream, Sequence: await Events.AppendAsync(stream, "TruckArrived", Json($$"""{"i":{{i}}}"""), DateTimeOffset.UnixEpoch, None));
        });
        var results = await Task.WhenAll(appends);

        foreach (var stream in streams)
        {
            var sequences = results.Where(r => r.Stream == stream).Select(r => r.Sequence).Order().ToArray();
            Assert.Equal(Enumerable.Range(1, 200).Select(n => (long)n), sequences);
            Assert.Equal(200, await Events.GetLastSequenceAsync(stream, None));
            var stored = await Events.ReadAsync(stream, 0, 1000, None);
            Assert.Equal(sequences, stored.Select(e => e.Sequence));
        }
    }

    [Fact]
    public async Task Read_AfterSequence_ReturnsLaterEventsInOrderUpToMaxCount()
    {
        var stream = Stream("truck-9");
        var at = new DateTimeOffset(2025, 3, 1, 8, 30, 15, 123, TimeSpan.Zero);
        for (var i = 1; i <= 10; i++)
        {
            Assert.Equal(i, await Events.AppendAsync(stream, $"Step{i}", Json($$"""{"step":{{i}}}"""), at.AddSeconds(i), None));
        }

        var page = await Events.ReadAsync(stream, 4, 3, None);

        Assert.Equal([5L, 6L, 7L], page.Select(e => e.Sequence));
        Assert.Equal("Step5", page[0].EventType);
        Assert.Equal(stream, page[0].StreamId);
        Assert.Equal(at.AddSeconds(5), page[0].Timestamp);
        AssertSameJson("""{"step":5}""", page[0].Payload);
        Assert.Empty(await Events.ReadAsync(stream, 10, 5, None));
        Assert.Empty(await Events.ReadAsync(Stream("empty"), 0, 5, None));
        Assert.Equal(0, await Events.GetLastSequenceAsync(Stream("empty"), None));
    }

    [Fact]
    public async Task Reminder_UpsertReadRemove_FollowsETag()
    {
        var grain = Grain("yard-1");
        var startAt = new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
        var first = await Reminders.UpsertRowAsync(new ReminderEntry(grain, "expire", startAt, TimeSpan.FromMinutes(5)), None);
        await Reminders.UpsertRowAsync(new ReminderEntry(grain, "audit", startAt, TimeSpan.FromHours(1)), None);

        var row = await Reminders.ReadRowAsync(grain, "expire", None);
        Assert.Equal(new ReminderEntry(grain, "expire", startAt, TimeSpan.FromMinutes(5), first), row);
        Assert.Equal(["audit", "expire"], (await Reminders.ReadRowsAsync(grain, None)).Select(r => r.ReminderName));

        var second = await Reminders.UpsertRowAsync(new ReminderEntry(grain, "expire", startAt.AddMinutes(1), TimeSpan.FromMinutes(10)), None);
        Assert.NotEqual(first, second);
        Assert.Equal(TimeSpan.FromMinutes(10), (await Reminders.ReadRowAsync(grain, "expire", None))!.Period);

        Assert.False(await Reminders.RemoveRowAsync(grain, "expire", first, None));
        Assert.NotNull(await Reminders.ReadRowAsync(grain, "expire", None));
        Assert.True(await Reminders.RemoveRowAsync(grain, "expire", second, None));
        Assert.Null(await Reminders.ReadRowAsync(grain, "expire", None));
        Assert.False(await Reminders.RemoveRowAsync(grain, "expire", second, None));
        Assert.Single(await Reminders.ReadRowsAsync(grain, None));
    }

    [Fact]
    public async Task Reminder_RingRangeReads_IncludeWrapAround()
    {
        var startAt = new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
        var grains = Enumerable.Range(0, 64).Select(i => Grain($"device-{i}")).ToList();
        foreach (var grain in grains)
        {
            await Reminders.UpsertRowAsync(new ReminderEntry(grain, "poll", startAt, TimeSpan.FromSeconds(30)), None);
        }

        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToArray();
        var ranges = new (uint Begin, uint End)[]
        {
            (0, uint.MaxValue / 2),
            (uint.MaxValue / 2, uint.MaxValue),
            (uint.MaxValue / 4 * 3, uint.MaxValue / 4), // wraps past zero
            (hashes[10], hashes[20]), // begin exclusive, end inclusive, on exact hashes
            (hashes[50], hashes[5]), // wraps, on exact hashes
            (12345, 12345), // begin == end: the whole ring
            (0, 0),
        };
        foreach (var (begin, end) in ranges)
        {
            var expected = grains.Where(g => MemoryReminderTable.InRange(g.GetUniformHashCode(), begin, end)).Select(g => g.Key).Order(StringComparer.Ordinal);
            var actual = (await Reminders.ReadRowsAsync(begin, end, None))
                .Where(r => r.GrainId.Type == GrainType)
                .Select(r => r.GrainId.Key)
                .Order(StringComparer.Ordinal);
            Assert.Equal(expected, actual);
        }
    }
}
