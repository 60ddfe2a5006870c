using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Trips;

namespace BorderGate.Grains.Companies;

public sealed class CompanyState
{
    public List<DeclarationAlert> Alerts { get; set; } = [];

    public List<CompanyTrip> Trips { get; set; } = [];
}

/// <summary>A transport company (key: company id): the alerts on its declarations (kept, newest first) and its trips.</summary>
public sealed class CompanyGrain([PersistentState("company")] IPersistentState<CompanyState> state) : Grain, ICompanyGrain
{
    internal const int Keep = 500;

    public async Task AddAlerts(IReadOnlyList<DeclarationAlert> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        state.State.Alerts.InsertRange(0, alerts);
        Trim(state.State.Alerts);
        await state.WriteStateAsync();
    }

    public async Task TripDeclared(string tripId, string plate)
    {
        if (state.State.Trips.Any(t => t.TripId == tripId))
        {
            return;
        }

        state.State.Trips.Insert(0, new CompanyTrip(tripId, plate, TimeProvider.GetUtcNow()));
        Trim(state.State.Trips);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<DeclarationAlert>> Alerts() => Task.FromResult<IReadOnlyList<DeclarationAlert>>([.. state.State.Alerts]);

    public Task<IReadOnlyList<CompanyTrip>> Trips() => Task.FromResult<IReadOnlyList<CompanyTrip>>([.. state.State.Trips]);

    private static void Trim<T>(List<T> items)
    {
        if (items.Count > Keep)
        {
            items.RemoveRange(Keep, items.Count - Keep);
        }
    }
}
