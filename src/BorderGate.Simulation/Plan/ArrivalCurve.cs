namespace BorderGate.Simulation.Plan;

/// <summary>
/// When in the day trucks want to arrive, in hours after the day's start (local midnight at the crossing):
/// a mixture of a morning peak (normal, mean 08:30, sd 1 h 15 min, 38 % of trucks), an afternoon peak
/// (normal, mean 14:30, sd 1 h 30 min, 37 %) and a background spread evenly from 05:00 to 22:00 (25 %).
/// Draws outside 04:00–23:30 are drawn again, so that nobody asks for the middle of the night.
/// </summary>
public static class ArrivalCurve
{
    public const double MorningPeakHour = 8.5;
    public const double MorningSpreadHours = 1.25;
    public const double MorningShare = 0.38;
    public const double AfternoonPeakHour = 14.5;
    public const double AfternoonSpreadHours = 1.5;
    public const double AfternoonShare = 0.37;
    public const double BackgroundFromHour = 5;
    public const double BackgroundToHour = 22;
    public const double EarliestHour = 4;
    public const double LatestHour = 23.5;

    internal static double DrawHour(Random random)
    {
        while (true)
        {
            var pick = random.NextDouble();
            var hour = pick < MorningShare
                ? Normal(random, MorningPeakHour, MorningSpreadHours)
                : pick < MorningShare + AfternoonShare
                    ? Normal(random, AfternoonPeakHour, AfternoonSpreadHours)
                    : BackgroundFromHour + (random.NextDouble() * (BackgroundToHour - BackgroundFromHour));
            if (hour is >= EarliestHour and < LatestHour)
            {
                return hour;
            }
        }
    }

    // Box–Muller: deterministic for a seeded Random, unlike anything that depends on the platform.
    private static double Normal(Random random, double mean, double sd)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return mean + (sd * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }
}
