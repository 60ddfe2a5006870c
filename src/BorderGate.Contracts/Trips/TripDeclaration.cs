namespace BorderGate.Contracts.Trips;

/// <summary>
/// A trip as a company pre-declares it online, before the truck reaches the gate area. Text fields hold
/// what was typed; <see cref="DeclarationValidator.Validate"/> checks them and returns the normalized copy.
/// </summary>
/// <remarks>
/// Fields are deliberately not <c>required</c>: a missing field must come back as a field error the
/// company can act on, not as a deserialization failure.
/// </remarks>
public sealed record TripDeclaration
{
    /// <summary>The declaring company's account on the digital border gate platform.</summary>
    public string CompanyId { get; init; } = "";

    /// <summary>The truck's (or tractor's) plate, Vietnamese or Chinese; see <see cref="PlateNumber"/>.</summary>
    public string TruckPlate { get; init; } = "";

    /// <summary>The trailer's or semi-trailer's own plate, when it has one.</summary>
    public string? TrailerPlate { get; init; }

    /// <summary>
    /// The ISO 6346 container number. Required for loaded trips, except cars and machinery, which often travel
    /// on flatbeds or car carriers; not allowed on an <see cref="CargoKind.Empty"/> trip.
    /// </summary>
    public string? ContainerNumber { get; init; }

    public CargoKind CargoKind { get; init; }

    public TripDirection Direction { get; init; }

    /// <summary>
    /// The Vietnamese e-customs (VNACCS) declaration number, 12 digits. Required unless the truck
    /// travels empty (an empty vehicle declares no goods).
    /// </summary>
    public string? CustomsDeclarationNumber { get; init; }

    public string DriverName { get; init; } = "";

    /// <summary>A Vietnamese or Chinese mobile number, where the driver is told of lane calls.</summary>
    public string? DriverPhone { get; init; }

    /// <summary>Declared gross weight of truck, trailer and load, in kilograms; the weighbridge checks it.</summary>
    public int GrossWeightKg { get; init; }

    /// <summary>When the truck would like to arrive at the gate; the gate books the arrival window.</summary>
    public DateTimeOffset? DesiredArrival { get; init; }
}
