using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Grains.Site;

namespace BorderGate.Grains.Yard;

/// <summary>The transfer yard of a crossing (key: crossing id). One activation decides every slot, so no slot is booked twice.</summary>
public sealed class YardGrain(
    [PersistentState("yard")] IPersistentState<YardAllocator> state,
    CrossingSites sites) : Grain, IYardGrain
{
    private Contracts.Site.SiteLayout _layout = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _layout = sites.Get(GrainKey);
        if (state.State.Slots.Count == 0)
        {
            state.State = YardAllocator.For(_layout.YardBlocks);
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public async Task<SlotReservation?> Reserve(string containerNumber)
    {
        var reservation = state.State.Reserve(containerNumber, TimeProvider.GetUtcNow(), _layout.Policy.SlotReservationTtl);
        await state.WriteStateAsync();
        return reservation;
    }

    public async Task Occupy(string slotId, string containerNumber)
    {
        state.State.Occupy(slotId, containerNumber, TimeProvider.GetUtcNow());
        await state.WriteStateAsync();
    }

    public async Task Vacate(string slotId, string containerNumber)
    {
        state.State.Vacate(slotId, containerNumber);
        await state.WriteStateAsync();
    }

    public async Task CancelReservation(string slotId)
    {
        state.State.Cancel(slotId);
        await state.WriteStateAsync();
    }

    public Task<YardView> Snapshot() => Task.FromResult(state.State.View());

    public Task<YardLevel> Level() => Task.FromResult(state.State.Level());
}
