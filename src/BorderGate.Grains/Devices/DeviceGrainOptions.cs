namespace BorderGate.Grains.Devices;

/// <summary>How device grains send commands and watch liveness (section <c>BorderGate:Devices:Grain</c>).</summary>
public sealed class DeviceGrainOptions
{
    /// <summary>How long one command attempt waits for the device's acknowledgement.</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Attempts after the first one when an acknowledgement times out.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first retry's delay; each further retry doubles it.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How many command outcomes a device grain remembers to answer repeated command ids.</summary>
    public int RememberedCommands { get; set; } = 32;

    /// <summary>How often a device grain compares its last-seen time with the site's stale threshold.</summary>
    public TimeSpan LivenessCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The stream provider alarms are published on.</summary>
    public string AlarmStreamProvider { get; set; } = "Default";

    internal void Validate()
    {
        if (AckTimeout <= TimeSpan.Zero || RetryBaseDelay < TimeSpan.Zero || LivenessCheckInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(AckTimeout), "DeviceGrainOptions: AckTimeout and LivenessCheckInterval must be positive, RetryBaseDelay not negative.");
        }

        if (MaxRetries is < 0 or > 10 || RememberedCommands < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetries), "DeviceGrainOptions: MaxRetries must be 0..10 and RememberedCommands at least 1.");
        }
    }
}
