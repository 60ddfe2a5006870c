namespace BorderGate.Grains.Site;

/// <summary>
/// How long the people at the checkpoints take (in site time; the simulation speeds the clock up). Real
/// values come from the site's operating figures; these defaults are the pilot's planning figures.
/// </summary>
public sealed class CrossingTimings
{
    /// <summary>Yellow channel: a customs officer checks the documents at the lane.</summary>
    public TimeSpan DocumentCheck { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Plant quarantine sampling of fresh fruit and farm produce at the lane.</summary>
    public TimeSpan Quarantine { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Red channel: physical inspection in a bay.</summary>
    public TimeSpan Inspection { get; set; } = TimeSpan.FromMinutes(25);

    /// <summary>From the barrier opening to the truck having cleared it.</summary>
    public TimeSpan BarrierPass { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>A truck on the weighbridge without a stable reading for this long goes back to the queue (the lane does not wait for ever).</summary>
    public TimeSpan WeighTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Readings of a weighbridge must stay within this many kilograms to count as stable.</summary>
    public int WeighStableToleranceKg { get; set; } = 20;

    /// <summary>Declared and weighed gross weight may differ by this share before the truck is held.</summary>
    public double WeightMismatchTolerance { get; set; } = 0.1;
}
