namespace BorderGate.Actors;

/// <summary>Implemented by grains that register reminders; the runtime calls it as a turn of the grain.</summary>
public interface IRemindable : IGrainWithStringKey
{
    Task ReceiveReminder(string reminderName, TickStatus status);
}

/// <summary>When a reminder tick was due and when it is delivered.</summary>
public readonly record struct TickStatus(DateTimeOffset FirstTickTime, TimeSpan Period, DateTimeOffset CurrentTickTime);
