using System.Text.Json;

namespace BorderGate.Actors.Hosting;

/// <summary>Settings of the grain runtime.</summary>
public sealed class ActorRuntimeOptions
{
    /// <summary>An activation unused this long is deactivated.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the idle collector looks for idle activations; also the precision of <see cref="IdleTimeout"/>.</summary>
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The deadline of a grain call whose method sets none with <see cref="ResponseTimeoutAttribute"/>.</summary>
    public TimeSpan DefaultResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often pending calls are checked against their deadlines.</summary>
    public TimeSpan DeadlineCheckInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often the reminder service re-reads the reminder table (rows written elsewhere).</summary>
    public TimeSpan ReminderRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an activation or deactivation hook may run.</summary>
    public TimeSpan LifecycleHookTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Serialization of grain state and stream events (System.Text.Json; add source-generated contexts to its resolver chain).</summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);

    internal void Validate()
    {
        static void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(name, value, $"ActorRuntimeOptions.{name} must be positive.");
            }
        }

        Positive(IdleTimeout, nameof(IdleTimeout));
        Positive(CollectionInterval, nameof(CollectionInterval));
        Positive(DefaultResponseTimeout, nameof(DefaultResponseTimeout));
        Positive(DeadlineCheckInterval, nameof(DeadlineCheckInterval));
        Positive(ReminderRefreshInterval, nameof(ReminderRefreshInterval));
        Positive(LifecycleHookTimeout, nameof(LifecycleHookTimeout));
    }
}
