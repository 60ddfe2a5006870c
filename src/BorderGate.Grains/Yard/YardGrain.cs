using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;
using BorderGate.Grains.Site;

namespace BorderGate.Grains.Yard;

/// <summary>
/// The transfer yard of a crossing (key: crossing id). One activation decides every slot, so no slot is booked twice. The
/// slots are stored in parts of <see cref="SlotsPerPart"/> slots of a block (state "yard-{blockId}-{part}"): a change
/// writes the parts it touched, under a kilobyte each (a whole block was 8 KB a write, four writes a container, on the
/// 10,000-truck day). A yard stored whole (state "yard") or by block (state "yard-{blockId}") is moved to its parts on
/// activation.
/// </summary>
public sealed class YardGrain(
    [PersistentState("yard")] IPersistentState<YardAllocator> older,
    CrossingSites sites) : Grain, IYardGrain
{
    /// <summary>Slots per stored part: ten slots, about 800 bytes.</summary>
    public const int SlotsPerPart = 10;

    private SiteLayout _layout = null!;
    private YardAllocator _yard = null!;
    private Dictionary<string, IPersistentState<YardBlockState>> _parts = null!;
    private Dictionary<string, string> _partOfSlot = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _layout = sites.Get(GrainKey);
        _parts = new(StringComparer.Ordinal);
        _partOfSlot = new(StringComparer.Ordinal);
        foreach (var block in _layout.YardBlocks)
        {
            foreach (var (slotId, index) in block.SlotIds().Select((id, i) => (id, i)))
            {
                var part = $"yard-{block.Id}-{index / SlotsPerPart:00}";
                _partOfSlot[slotId] = part;
                if (!_parts.ContainsKey(part))
                {
                    _parts[part] = GrainContext.CreatePersistentState<YardBlockState>(part);
                }
            }
        }

        var byBlock = _layout.YardBlocks.Select(b => GrainContext.CreatePersistentState<YardBlockState>($"yard-{b.Id}")).ToList();
        await Task.WhenAll(_parts.Values.Concat(byBlock).Select(p => p.ReadStateAsync(cancellationToken)));
        var olderBlocks = byBlock.Where(b => b.RecordExists).ToList();
        var fromOlder = older.RecordExists && older.State.Slots.Count > 0;
        var olderSlots = new Dictionary<string, YardSlot>(fromOlder ? older.State.Slots : [], StringComparer.Ordinal);
        foreach (var (slotId, slot) in olderBlocks.SelectMany(b => b.State.Slots))
        {
            olderSlots[slotId] = slot;
        }

        var unstored = _parts.Values.Any(p => !p.RecordExists);
        Link(olderSlots.Count > 0 ? olderSlots : null);
        if (fromOlder || olderBlocks.Count > 0 || unstored)
        {
            // The parts first, the older records second: a failure in between leaves both, and the next activation reads
            // the parts.
            await StoreAsync(_parts.Values);
            await Task.WhenAll(olderBlocks.Select(b => b.ClearStateAsync(cancellationToken)));
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
    /// The yard in memory from the stored parts (a slot no part holds: from <paramref name="olderSlots"/>, else free), and
    /// each part's state holding its slots, the same objects, so that storing a part stores what the yard decided.
    /// </summary>
    private void Link(IReadOnlyDictionary<string, YardSlot>? olderSlots)
    {
        _yard = YardAllocator.For(_layout.YardBlocks);
        foreach (var (slotId, fresh) in _yard.Slots.ToList())
        {
            var stored = _parts[_partOfSlot[slotId]].State.Slots.GetValueOrDefault(slotId) ?? olderSlots?.GetValueOrDefault(slotId);
            if (stored is not null)
            {
                stored.BlockId = fresh.BlockId;
                _yard.Slots[slotId] = stored;
            }
        }

        foreach (var (part, state) in _parts)
        {
            state.State.Slots = _yard.Slots.Where(s => _partOfSlot[s.Key] == part).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        }
    }

    /// <summary>Stores the parts of the slots changed since the last store, at the same time.</summary>
    private Task StoreTouchedAsync()
    {
        var parts = _yard.Touched.Select(id => _parts[_partOfSlot[id]]).Distinct().ToList();
        _yard.Touched.Clear();
        return StoreAsync(parts);
    }

    private async Task StoreAsync(IEnumerable<IPersistentState<YardBlockState>> parts)
    {
        try
        {
            await Task.WhenAll(parts.Select(p => p.WriteStateAsync()));
        }
        catch
        {
            // A part that could not be stored is back to what storage holds: so is the yard in memory.
            Link(null);
            throw;
        }
    }
}

/// <summary>The slots of a part of a yard block, as stored (state "yard-{blockId}-{part}"; before, a whole block: "yard-{blockId}").</summary>
public sealed class YardBlockState
{
    public Dictionary<string, YardSlot> Slots { get; set; } = new(StringComparer.Ordinal);
}
