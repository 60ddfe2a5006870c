namespace BorderGate.Contracts.Site;

internal sealed partial class SiteLayoutCheck
{
    private void CheckPolicy()
    {
        if (layout.Policy is not { } policy)
        {
            Problem("policy is missing.");
            return;
        }

        if (policy.MaxPerishablesInARow < 1)
        {
            Problem($"policy.maxPerishablesInARow must be at least 1; it is {policy.MaxPerishablesInARow}.");
        }

        if (!(policy.YardHighWaterMark is > 0 and <= 1))
        {
            Problem($"policy.yardHighWaterMark is a share of the yard's slots, above 0 and at most 1; it is {Format(policy.YardHighWaterMark)}.");
        }

        if (policy.TripsPerWindow < 1)
        {
            Problem($"policy.tripsPerWindow must be at least 1; it is {policy.TripsPerWindow}.");
        }

        // Windows tile the day, so a window longer than a day makes no booking sense.
        Duration("policy.arrivalWindow", policy.ArrivalWindow, TimeSpan.FromTicks(1), TimeSpan.FromDays(1));
        Duration("policy.earlyTolerance", policy.EarlyTolerance, TimeSpan.Zero, TimeSpan.FromDays(1));
        Duration("policy.lateTolerance", policy.LateTolerance, TimeSpan.Zero, TimeSpan.FromDays(1));
        Duration("policy.noShowAfter", policy.NoShowAfter, TimeSpan.FromTicks(1), TimeSpan.FromDays(7));
        Duration("policy.callTimeout", policy.CallTimeout, TimeSpan.FromTicks(1), TimeSpan.FromDays(1));
        Duration("policy.slotReservationTtl", policy.SlotReservationTtl, TimeSpan.FromTicks(1), TimeSpan.FromDays(7));
        Duration("policy.deviceStaleAfter", policy.DeviceStaleAfter, TimeSpan.FromTicks(1), TimeSpan.FromHours(1));
    }

    private void Duration(string what, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            var lower = min == TimeSpan.Zero ? "not negative" : "positive";
            Problem($"{what} must be {lower} and at most {max:c}; it is {value:c}.");
        }
    }
}
