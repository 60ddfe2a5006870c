namespace BorderGate.Contracts.Site;

internal sealed partial class SiteLayoutCheck
{
    private void CheckTimings()
    {
        // Optional in the file (defaults apply), so null only comes from a layout built in code.
        if (layout.Timings is not { } timings)
        {
            Problem("timings is missing.");
            return;
        }

        // Zero would skip a check (or send every truck off the weighbridge at once); over a day is a unit typo.
        var day = TimeSpan.FromDays(1);
        Duration("timings.documentCheck", timings.DocumentCheck, TimeSpan.FromTicks(1), day);
        Duration("timings.quarantine", timings.Quarantine, TimeSpan.FromTicks(1), day);
        Duration("timings.inspection", timings.Inspection, TimeSpan.FromTicks(1), day);
        Duration("timings.barrierPass", timings.BarrierPass, TimeSpan.FromTicks(1), day);
        Duration("timings.weighTimeout", timings.WeighTimeout, TimeSpan.FromTicks(1), day);

        if (timings.WeighStableToleranceKg < 0)
        {
            Problem($"timings.weighStableToleranceKg must not be negative; it is {timings.WeighStableToleranceKg}.");
        }

        if (!(timings.WeightMismatchTolerance is > 0 and < 1))
        {
            Problem($"timings.weightMismatchTolerance is a share of the declared weight, above 0 and below 1; it is {Format(timings.WeightMismatchTolerance)}.");
        }
    }
}
