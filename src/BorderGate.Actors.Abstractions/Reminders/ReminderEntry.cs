namespace BorderGate.Actors.Reminders;

/// <summary>
/// A durable reminder row: it fires at <see cref="StartAt"/> and then every <see cref="Period"/>.
/// <see cref="ETag"/> is the stored version (null for a row not yet stored).
/// </summary>
public sealed record ReminderEntry(GrainId GrainId, string ReminderName, DateTimeOffset StartAt, TimeSpan Period, string? ETag = null);
