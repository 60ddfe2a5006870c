using BorderGate.Actors;
using BorderGate.Contracts.Devices;

namespace BorderGate.Contracts.Crossing;

/// <summary>
/// A crossing's alarms as the control room keeps them (key: crossing id): raised by device grains when a device faults or
/// falls silent, listed until an operator acknowledges them, each change on the crossing's feed.
/// </summary>
public interface IAlarmBookGrain : IGrainWithStringKey
{
    /// <summary>Records an alarm; the same device raising the same code while its alarm is open keeps the one alarm (counted).</summary>
    Task<AlarmView> Raise(DeviceAlarm alarm);

    /// <summary>Acknowledges an alarm; acknowledging it again changes nothing. An unknown id throws <see cref="UnknownAlarmException"/>.</summary>
    Task<AlarmView> Acknowledge(string alarmId, string by);

    /// <summary>The alarms not yet acknowledged, newest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<AlarmView>> Open();
}

/// <summary>An alarm: what device, what happened, how often since it was raised, who acknowledged it and when.</summary>
public sealed record AlarmView(
    string AlarmId,
    string DeviceId,
    DeviceKind Kind,
    string Code,
    string Message,
    DateTimeOffset RaisedAt,
    int Count,
    string? AcknowledgedBy,
    DateTimeOffset? AcknowledgedAt);

/// <summary>An alarm raised (or raised again while open) or acknowledged, on the crossing's feed.</summary>
public sealed record AlarmChanged(string CrossingId, DateTimeOffset At, AlarmView Alarm) : CrossingEvent(CrossingId, At)
{
    public const string TypeName = "alarm";
}

/// <summary>An operator acknowledged an alarm id the book does not hold.</summary>
public sealed class UnknownAlarmException(string message) : Exception(message);
