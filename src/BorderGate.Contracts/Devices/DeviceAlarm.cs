using BorderGate.Actors.Streams;

namespace BorderGate.Contracts.Devices;

/// <summary>
/// An alarm raised by a device grain (fault or stale device), published on the crossing's alarm stream
/// (<see cref="StreamFor"/>) for the operators' console.
/// </summary>
public sealed record DeviceAlarm(string CrossingId, string DeviceId, DeviceKind Kind, string Code, string Message, DateTimeOffset At)
{
    /// <summary>The stream namespace of alarms.</summary>
    public const string StreamNamespace = "alarms";

    /// <summary>The alarm stream of a crossing: namespace "alarms", key the crossing id.</summary>
    public static StreamId StreamFor(string crossingId) => new(StreamNamespace, crossingId);
}
