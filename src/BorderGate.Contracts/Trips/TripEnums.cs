namespace BorderGate.Contracts.Trips;

public enum CargoKind
{
    FreshFruit,
    FarmProduce,
    Garments,
    Textiles,
    WoodenHandicrafts,
    Electronics,
    ElectronicComponents,
    Cars,
    Machinery,
    ConsumerGoods,
    Empty,
}

public enum TripDirection
{
    /// <summary>Vietnam to China.</summary>
    Export,

    /// <summary>China to Vietnam.</summary>
    Import,
}

public enum CustomsChannel
{
    /// <summary>Passes at once.</summary>
    Green,

    /// <summary>Document check at the lane.</summary>
    Yellow,

    /// <summary>Physical inspection in a bay.</summary>
    Red,
}

public static class CargoKinds
{
    /// <summary>Fresh fruit and farm produce: priority at dispatch, plant quarantine at the lane.</summary>
    public static bool IsPerishable(this CargoKind kind) => kind is CargoKind.FreshFruit or CargoKind.FarmProduce;

    public static bool NeedsQuarantine(this CargoKind kind) => kind is CargoKind.FreshFruit or CargoKind.FarmProduce;

    public static bool IsOversize(this CargoKind kind) => kind is CargoKind.Cars or CargoKind.Machinery;
}
