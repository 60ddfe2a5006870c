using BorderGate.Contracts.Devices;

namespace BorderGate.Grains.Devices;

/// <summary>What a device grain keeps across restarts: its open fault and the outcomes of recent command ids.</summary>
internal sealed class DeviceGrainState
{
    public DeviceFaultRecord? Fault { get; set; }

    /// <summary>Oldest first; at most <see cref="DeviceGrainOptions.RememberedCommands"/>.</summary>
    public List<CommandResult> RecentOutcomes { get; set; } = [];
}

internal sealed record DeviceFaultRecord(string Code, string Message, DateTimeOffset At);
