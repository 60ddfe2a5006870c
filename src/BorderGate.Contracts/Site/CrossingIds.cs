namespace BorderGate.Contracts.Site;

/// <summary>Grain keys of the crossing's things, composed in one place so that every caller agrees.</summary>
public static class CrossingIds
{
    /// <summary>A lane's grain key: "huu-nghi/lane-3".</summary>
    public static string Lane(string crossingId, string laneId) => $"{crossingId}/{laneId}";

    public static string YardBlock(string crossingId, string blockId) => $"{crossingId}/{blockId}";

    public static string Crane(string crossingId, string craneId) => $"{crossingId}/{craneId}";

    public static string DriverlessTruck(string crossingId, string vehicleId) => $"{crossingId}/{vehicleId}";

    public static string Route(string crossingId) => $"{crossingId}/route";

    /// <summary>A truck's grain key: its normalized plate ("29C12345").</summary>
    public static string Truck(string normalizedPlate) => normalizedPlate;

    /// <summary>A device grain's key: "huu-nghi/bar-lane-3".</summary>
    public static string Device(string crossingId, string deviceId) => $"{crossingId}/{deviceId}";
}
