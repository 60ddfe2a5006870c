using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Devices;

namespace BorderGate.Grains.Alarms;

public sealed class AlarmBookState
{
    public List<AlarmView> Alarms { get; set; } = [];

    public long Next { get; set; }
}

/// <summary>
/// The crossing's alarm book (key: crossing id): alarms raised by devices, newest first, each open until acknowledged.
/// A device that keeps raising the same code while its alarm is open counts on the one alarm instead of flooding the
/// list. Acknowledged alarms are kept (the most recent <see cref="KeepAcknowledged"/>) for the record. Every change is
/// stored, then published on the crossing's feed.
/// </summary>
public sealed class AlarmBookGrain([PersistentState("alarms")] IPersistentState<AlarmBookState> state) : Grain, IAlarmBookGrain
{
    internal const int KeepAcknowledged = 200;

    public async Task<AlarmView> Raise(DeviceAlarm alarm)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        var alarms = state.State.Alarms;
        var open = alarms.FindIndex(a => a.AcknowledgedAt is null && a.DeviceId == alarm.DeviceId && a.Code == alarm.Code);
        AlarmView view;
        if (open >= 0)
        {
            view = alarms[open] with { Count = alarms[open].Count + 1, Message = alarm.Message };
            alarms.RemoveAt(open);
        }
        else
        {
            view = new AlarmView($"alarm-{++state.State.Next}", alarm.DeviceId, alarm.Kind, alarm.Code, alarm.Message, alarm.At, 1, null, null);
        }

        alarms.Insert(0, view);
        await state.WriteStateAsync();
        await PublishAsync(view);
        return view;
    }

    public async Task<AlarmView> Acknowledge(string alarmId, string by)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        var alarms = state.State.Alarms;
        var index = alarms.FindIndex(a => a.AlarmId == alarmId);
        if (index < 0)
        {
            throw new UnknownAlarmException($"Crossing {GrainKey} has no alarm '{alarmId}'.");
        }

        if (alarms[index].AcknowledgedAt is not null)
        {
            return alarms[index];
        }

        var view = alarms[index] with { AcknowledgedBy = by, AcknowledgedAt = TimeProvider.GetUtcNow() };
        alarms[index] = view;
        var acknowledged = alarms.Where(a => a.AcknowledgedAt is not null).ToList();
        foreach (var old in acknowledged.Skip(KeepAcknowledged))
        {
            alarms.Remove(old);
        }

        await state.WriteStateAsync();
        await PublishAsync(view);
        return view;
    }

    public Task<IReadOnlyList<AlarmView>> Open() =>
        Task.FromResult<IReadOnlyList<AlarmView>>([.. state.State.Alarms.Where(a => a.AcknowledgedAt is null)]);

    private Task PublishAsync(AlarmView view) =>
        CrossingFeed.TryPublishAsync(GetStreamProvider(CrossingEvent.StreamProvider), new AlarmChanged(GrainKey, TimeProvider.GetUtcNow(), view));
}
