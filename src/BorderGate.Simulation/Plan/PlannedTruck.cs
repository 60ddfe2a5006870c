using BorderGate.Contracts.Trips;

namespace BorderGate.Simulation.Plan;

/// <summary>
/// One truck of a day: what it declares (null when it comes undeclared), when, how it keeps its window and
/// what the weighbridge will read.
/// </summary>
/// <param name="Index">Its place in the plan (by desired arrival).</param>
/// <param name="Plate">The normalized plate.</param>
/// <param name="Declaration">The declaration the company submits, or null for <see cref="ArrivalKind.Undeclared"/>.</param>
/// <param name="Kind">How it keeps its window.</param>
/// <param name="DeclareAt">When the company declares it (site time).</param>
/// <param name="DesiredArrival">The arrival it asks for; an undeclared truck simply comes then.</param>
/// <param name="OffsetInWindow">
/// Where it arrives relative to its booked window: on time, after the window's start; early, before the window's
/// start; late, after the window's end.
/// </param>
/// <param name="WeighedKg">What the weighbridge reads.</param>
public sealed record PlannedTruck(
    int Index,
    string Plate,
    TripDeclaration? Declaration,
    ArrivalKind Kind,
    DateTimeOffset DeclareAt,
    DateTimeOffset DesiredArrival,
    TimeSpan OffsetInWindow,
    int WeighedKg)
{
    public TripDirection Direction => Declaration?.Direction ?? TripDirection.Import;

    public CargoKind Cargo => Declaration?.CargoKind ?? CargoKind.Empty;

    public string? ContainerNumber => Declaration?.ContainerNumber;

    /// <summary>When it drives up to the entrance camera, given the window the gate booked (null: it never comes).</summary>
    public DateTimeOffset? ArrivalGiven(DateTimeOffset? windowStart, DateTimeOffset? windowEnd) => Kind switch
    {
        ArrivalKind.NoShow => null,
        ArrivalKind.Undeclared => DesiredArrival,
        ArrivalKind.Early => windowStart - OffsetInWindow,
        ArrivalKind.Late => windowEnd + OffsetInWindow,
        _ => windowStart + OffsetInWindow,
    };
}
