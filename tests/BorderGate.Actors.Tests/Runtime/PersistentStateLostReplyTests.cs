using System.Text.Json;
using BorderGate.Actors.Memory;
using BorderGate.Actors.State;
using BorderGate.Actors.Storage;

namespace BorderGate.Actors.Tests.Runtime;

/// <summary>
/// A write whose commit reached storage but whose answer was lost (the connection cut in between) fails for its caller;
/// the next write must neither fail forever on a stale ETag nor lose an acknowledged change.
/// </summary>
public sealed class PersistentStateLostReplyTests
{
    private static readonly GrainId s_grain = new("tally", "lost-reply");

    public sealed class Items
    {
        public List<string> Names { get; set; } = [];
    }

    /// <summary>Memory storage whose next write (when armed) is stored and then reported failed.</summary>
    private sealed class LostReplyStorage : IGrainStorage
    {
        public MemoryGrainStorage Inner { get; } = new();

        public bool LoseNextReply { get; set; }

        public bool Down { get; set; }

        public ValueTask<GrainStateRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken) =>
            Down ? throw new GrainStorageException("storage down") : Inner.ReadAsync(stateName, grainId, cancellationToken);

        public async ValueTask<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> json, string? expectedETag, CancellationToken cancellationToken)
        {
            if (Down)
            {
                throw new GrainStorageException("storage down");
            }

            var eTag = await Inner.WriteAsync(stateName, grainId, json, expectedETag, cancellationToken);
            if (LoseNextReply)
            {
                LoseNextReply = false;
                throw new GrainStorageException("connection lost while committing");
            }

            return eTag;
        }

        public ValueTask ClearAsync(string stateName, GrainId grainId, string? expectedETag, CancellationToken cancellationToken) =>
            Inner.ClearAsync(stateName, grainId, expectedETag, cancellationToken);
    }

    private static PersistentState<Items> NewState(IGrainStorage storage) => new("items", "Default", s_grain, storage, new JsonSerializerOptions());

    /// <summary>A state loaded from <paramref name="storage"/> and written once with "a".</summary>
    private static async Task<PersistentState<Items>> StoredWithAAsync(LostReplyStorage storage)
    {
        var state = NewState(storage);
        await state.ReadStateAsync();
        state.State.Names.Add("a");
        await state.WriteStateAsync();
        return state;
    }

    /// <summary>Adds <paramref name="item"/> and writes while storage is down: the write fails.</summary>
    private static async Task AddWhileStorageIsDownAsync(LostReplyStorage storage, PersistentState<Items> state, string item)
    {
        storage.Down = true;
        state.State.Names.Add(item);
        await Assert.ThrowsAsync<GrainStorageException>(() => state.WriteStateAsync());
        storage.Down = false;
    }

    private static async Task<List<string>> StoredAsync(LostReplyStorage storage)
    {
        var record = await storage.Inner.ReadAsync("items", s_grain, CancellationToken.None);
        return JsonSerializer.Deserialize<Items>(record!.Json.Span)!.Names;
    }

    [Fact]
    public async Task WriteStoredButReportedFailed_NextWriteReplacesIt_WithEveryAcknowledgedChange()
    {
        var storage = new LostReplyStorage();
        var state = await StoredWithAAsync(storage);

        storage.LoseNextReply = true;
        state.State.Names.Add("lost");
        await Assert.ThrowsAsync<GrainStorageException>(() => state.WriteStateAsync());
        Assert.Equal(["a"], state.State.Names);
        Assert.Equal(["a", "lost"], await StoredAsync(storage));

        // Storage still down at the next write: it fails, and the one after finds out.
        await AddWhileStorageIsDownAsync(storage, state, "b");

        state.State.Names.Add("c");
        await state.WriteStateAsync();
        Assert.Equal(["a", "c"], await StoredAsync(storage));
        Assert.Equal(["a", "c"], state.State.Names);
    }

    [Fact]
    public async Task AfterAFailedWrite_AnotherWritersRecord_StillFailsTheNextWriteOnItsETag()
    {
        var storage = new LostReplyStorage();
        var state = await StoredWithAAsync(storage);

        await AddWhileStorageIsDownAsync(storage, state, "failed");

        // Someone else writes meanwhile (a second activation that should not exist): not taken for this one's write.
        await storage.Inner.WriteAsync("items", s_grain, JsonSerializer.SerializeToUtf8Bytes(new Items { Names = ["other"] }), state.ETag, CancellationToken.None);
        state.State.Names.Add("b");
        await Assert.ThrowsAsync<InconsistentStateException>(() => state.WriteStateAsync());
        Assert.Equal(["other"], await StoredAsync(storage));
    }
}
