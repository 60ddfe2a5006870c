using BorderGate.Actors.Reminders;
using Xunit;

namespace BorderGate.Actors.Providers.Tests;

/// <summary>The contract of providers that persist: data outlives the process, and the schema migrates once.</summary>
public abstract class DurableProviderContractTests : ProviderContractTests
{
    /// <summary>How many scripts schema_version records.</summary>
    protected abstract Task<long> CountAppliedScriptsAsync();

    /// <summary>How many schema scripts the provider carries (every one is applied once).</summary>
    protected abstract int ScriptCount { get; }

    [Fact]
    public async Task Data_SurvivesReopeningTheProvider()
    {
        var grain = Grain("crane-1");
        var eTag = await Storage.WriteAsync("state", grain, Json("""{"position":"B-12"}"""), null, None);
        await Events.AppendAsync(Stream("crane-1"), "MoveDone", Json("""{"to":"B-12"}"""), DateTimeOffset.UnixEpoch, None);
        var startAt = new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
        var reminderETag = await Reminders.UpsertRowAsync(new ReminderEntry(grain, "inspect", startAt, TimeSpan.FromDays(1)), None);

        await ReopenAsync();

        var record = await Storage.ReadAsync("state", grain, None);
        Assert.Equal(eTag, record!.ETag);
        AssertSameJson("""{"position":"B-12"}""", record.Json);
        Assert.Equal(1, await Events.GetLastSequenceAsync(Stream("crane-1"), None));
        Assert.Equal(2, await Events.AppendAsync(Stream("crane-1"), "MoveDone", Json("""{"to":"C-1"}"""), DateTimeOffset.UnixEpoch, None));
        Assert.Equal(reminderETag, (await Reminders.ReadRowAsync(grain, "inspect", None))!.ETag);
        await Storage.WriteAsync("state", grain, Json("""{"position":"C-1"}"""), eTag, None);
    }

    [Fact]
    public async Task Migration_AppliedAgain_IsANoOp()
    {
        var grain = Grain("barrier-1");
        var eTag = await Storage.WriteAsync("state", grain, Json("""{"open":false}"""), null, None);
        var applied = await CountAppliedScriptsAsync();

        await InitializeStorageAsync();
        await ReopenAsync();

        Assert.Equal(ScriptCount, applied);
        Assert.Equal(applied, await CountAppliedScriptsAsync());
        Assert.Equal(eTag, (await Storage.ReadAsync("state", grain, None))!.ETag);
    }
}
