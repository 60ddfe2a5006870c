namespace BorderGate.Contracts.Trips;

/// <summary>A declaration error as the declaring company sees it, at once, on its account.</summary>
/// <param name="TripId">The trip it concerns, when one was created (null when the declaration was refused outright).</param>
public sealed record DeclarationAlert(string? TripId, string Field, string Code, string Message, DateTimeOffset At)
{
    /// <summary>The alert for one field error.</summary>
    public static DeclarationAlert From(FieldError error, string? tripId, DateTimeOffset at) =>
        new(tripId, error.Field, error.Code, error.Message, at);
}
