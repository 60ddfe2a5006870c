using BorderGate.Actors;
using BorderGate.Actors.Hosting;

namespace BorderGate.ClusterTestHost;

/// <summary>A grain with a durable reminder whose every tick is logged with the silo it ran on (the reminders' tests).</summary>
public interface IAlarmGrain : IGrainWithStringKey
{
    /// <summary>Registers (or re-registers) the reminder "alarm": first tick after <paramref name="due"/>, then every <paramref name="period"/>.</summary>
    Task Arm(TimeSpan due, TimeSpan period);

    Task Disarm();
}

public sealed class AlarmGrain(ActorRuntime runtime, ActivationLog log) : Grain, IAlarmGrain, IRemindable
{
    public const string ReminderName = "alarm";

    public Task Arm(TimeSpan due, TimeSpan period) => RegisterOrUpdateReminder(ReminderName, due, period);

    public async Task Disarm()
    {
        if (await GetReminder(ReminderName) is { } reminder)
        {
            await UnregisterReminder(reminder);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        log.Ticked(GrainKey, runtime.Cluster!.Name);
        return Task.CompletedTask;
    }
}
