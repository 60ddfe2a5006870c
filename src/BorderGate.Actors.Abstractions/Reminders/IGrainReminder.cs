namespace BorderGate.Actors;

/// <summary>A registered durable reminder.</summary>
public interface IGrainReminder
{
    string ReminderName { get; }

    TimeSpan Period { get; }
}
