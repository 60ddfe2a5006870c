using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;
using BorderGate.Grains.Site;

namespace BorderGate.Grains.Yard;

/// <summary>
/// The transfer yard of a crossing (key: crossing id). One activation decides every slot, so no slot is booked twice. The
/// slots are stored by block (state "yard-{blockId}"): a change writes the blocks it touched, about a tenth of an 800-slot
/// yard, not the whole yard (66 KB a write, three writes a container, on the 10,000-truck day). A yard stored whole (state
/// "yard") is moved to its blocks on activation.
/// </summary>
public sealed class YardGrain(
    [PersistentState("yard")] IPersistentState<YardAllocator> older,
    CrossingSites sites) : Grain, IYardGrain
{
    private SiteLayout _layout = null!;
    private YardAllocator _yard = null!;
    private Dictionary<string, IPersistentState<YardBlockState>> _blocks = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _layout = sites.Get(GrainKey);
        _blocks = _layout.YardBlocks.ToDictionary(
            b => b.Id,
            b => GrainContext.CreatePersistentState<YardBlockState>($"yard-{b.Id}"),
            StringComparer.Ordinal);
        await Task.WhenAll(_blocks.Values.Select(b => b.ReadStateAsync(cancellationToken)));
        var fromOlder = older.RecordExists && older.State.Slots.Count > 0;
        var unstored = _blocks.Values.Any(b => !b.RecordExists);
        Link(fromOlder ? older.State.Slots : null);
        if (fromOlder || unstored)
        {
            // The blocks first, the whole yard's old record second: a failure in between leaves both, and the next
            // activation reads the blocks.
            await StoreAsync(_blocks.Values);
            if (fromOlder)
            {
                await older.ClearStateAsync(cancellationToken);
            }
        }
    }

    public async Task<SlotReservation?> Reserve(string containerNumber)
    {
        var reservation = _yard.Reserve(containerNumber, TimeProvider.GetUtcNow(), _layout.Policy.SlotReservationTtl);
        await StoreTouchedAsync();
        return reservation;
    }

    public async Task<bool> Confirm(string slotId, string containerNumber)
    {
        var confirmed = _yard.Confirm(slotId, containerNumber, TimeProvider.GetUtcNow());
        await StoreTouchedAsync();
        return confirmed;
    }

    public async Task Occupy(string slotId, string containerNumber)
    {
        _yard.Occupy(slotId, containerNumber, TimeProvider.GetUtcNow());
        await StoreTouchedAsync();
    }

    public async Task Vacate(string slotId, string containerNumber)
    {
        _yard.Vacate(slotId, containerNumber);
        await StoreTouchedAsync();
    }

    public async Task CancelReservation(string slotId)
    {
        _yard.Cancel(slotId);
        await StoreTouchedAsync();
    }

    public Task<YardView> Snapshot() => Task.FromResult(_yard.View());

    public Task<YardLevel> Level() => Task.FromResult(_yard.Level());

    /// <summary>
    /// The yard in memory from the stored blocks (a slot no block holds: from <paramref name="olderSlots"/>, else free), and
    /// each block's state holding its slots, the same objects, so that storing a block stores what the yard decided.
    /// </summary>
    private void Link(IReadOnlyDictionary<string, YardSlot>? olderSlots)
    {
        _yard = YardAllocator.For(_layout.YardBlocks);
        foreach (var (slotId, fresh) in _yard.Slots.ToList())
        {
            var stored = _blocks[fresh.BlockId].State.Slots.GetValueOrDefault(slotId) ?? olderSlots?.GetValueOrDefault(slotId);
            if (stored is not null)
            {
                stored.BlockId = fresh.BlockId;
                _yard.Slots[slotId] = stored;
            }
        }

        foreach (var (blockId, block) in _blocks)
        {
            block.State.Slots = _yard.Slots.Where(s => s.Value.BlockId == blockId).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        }
    }

    /// <summary>Stores the blocks of the slots changed since the last store, at the same time.</summary>
    private Task StoreTouchedAsync()
    {
        var blocks = _yard.Touched.Select(id => _blocks[_yard.Slots[id].BlockId]).Distinct().ToList();
        _yard.Touched.Clear();
        return StoreAsync(blocks);
    }

    private async Task StoreAsync(IEnumerable<IPersistentState<YardBlockState>> blocks)
    {
        try
        {
            await Task.WhenAll(blocks.Select(b => b.WriteStateAsync()));
        }
        catch
        {
            // A block that could not be stored is back to what storage holds: so is the yard in memory.
            Link(null);
            throw;
        }
    }
}

/// <summary>The slots of one yard block, as stored (state "yard-{blockId}").</summary>
public sealed class YardBlockState
{
    public Dictionary<string, YardSlot> Slots { get; set; } = new(StringComparer.Ordinal);
}
