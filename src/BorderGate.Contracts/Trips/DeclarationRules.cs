namespace BorderGate.Contracts.Trips;

/// <summary>The limits a declaration is checked against.</summary>
public static class DeclarationRules
{
    public const int MinGrossWeightKg = 1;

    /// <summary>
    /// 60 t: above the legal gross of any road combination on either side (Vietnam 48 t for a
    /// semi-trailer combination, China 49 t), so a larger figure is a typo (often grams or an extra
    /// zero), not an overload. Overloads against the legal limit are the weighbridge's business.
    /// </summary>
    public const int MaxGrossWeightKg = 60_000;

    public const int MaxCompanyIdLength = 64;

    public const int MaxDriverNameLength = 100;

    /// <summary>
    /// How far in the past a desired arrival may be: the form may take a few minutes to fill in and
    /// phone clocks drift; anything older cannot be booked.
    /// </summary>
    public static readonly TimeSpan ArrivalPastTolerance = TimeSpan.FromMinutes(15);

    /// <summary>How far ahead arrival windows are booked.</summary>
    public static readonly TimeSpan ArrivalHorizon = TimeSpan.FromDays(7);
}
