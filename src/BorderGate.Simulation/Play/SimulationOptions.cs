namespace BorderGate.Simulation.Play;

/// <summary>How a <see cref="CrossingSimulation"/> plays a day.</summary>
public sealed class SimulationOptions
{
    /// <summary>The silo's base URL (HTTP API at /api, device endpoint at /devices/v1).</summary>
    public required Uri SiloUrl { get; init; }

    /// <summary>Each device's key (development mode: <see cref="Devices.Keys.DevelopmentDeviceKeys.Derive"/> of the shared secret).</summary>
    public required Func<string, byte[]> KeyFor { get; init; }

    /// <summary>Who signs in to the silo's API: an operator to watch, each company to declare (see <see cref="SignedInHandler"/>).</summary>
    public required SiloCredentials Credentials { get; init; }

    /// <summary>How often the crossing is watched (GET /api/crossing, yard and route), in real time.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a called truck takes from the waiting area to its lane's camera, in site time.</summary>
    public TimeSpan DriveToLane { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Declarations in flight at once.</summary>
    public int MaxConcurrentRequests { get; init; } = 8;

    /// <summary>How long, in real time, the end of the day may take to settle before what is left counts as stuck.</summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Faults to inject during the day.</summary>
    public SimulationFaults Faults { get; init; } = SimulationFaults.None;

    /// <summary>Progress lines (null: quiet).</summary>
    public TextWriter? Progress { get; init; }

    /// <summary>How often, in real time, a progress line states the crossing's counts (zero: never).</summary>
    public TimeSpan ProgressEvery { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>Faults a simulation can inject, each once, at the stated share of the planned arrivals.</summary>
[Flags]
public enum SimulationFaults
{
    None = 0,

    /// <summary>At 30 %: the plate camera of lane-3 drops its connection for 2 site minutes (the lane leaves dispatch, its truck goes back to the queue), then reconnects.</summary>
    LaneDeviceDisconnect = 1,

    /// <summary>At 50 %: lane-4's weighbridge reports a fault (the lane leaves dispatch until an operator clears it).</summary>
    LaneDeviceFault = 2,

    /// <summary>At 40 %: the next move of crane-2 stops halfway with a hoist fault (its jobs wait for an operator).</summary>
    CraneFaultMidMove = 4,

    /// <summary>At 60 %: the next drive of agv-10 breaks down halfway (its segment stays held).</summary>
    VehicleBreakdown = 8,
}
