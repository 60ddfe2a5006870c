namespace BorderGate.Actors;

/// <summary>
/// A grain's durable state. The runtime reads it before <see cref="Grain.OnActivateAsync"/>. Writes are
/// optimistic: a write whose ETag lost a race throws <see cref="InconsistentStateException"/> and
/// overwrites nothing. A write that fails for any reason leaves <see cref="State"/> at the last value
/// storage holds, so the activation never serves state that was not stored.
/// </summary>
public interface IPersistentState<TState>
    where TState : new()
{
    TState State { get; set; }

    /// <summary>The version of the stored record this activation last read or wrote; null if none is stored.</summary>
    string? ETag { get; }

    /// <summary>True when a record exists in storage.</summary>
    bool RecordExists { get; }

    Task ReadStateAsync(CancellationToken cancellationToken = default);

    Task WriteStateAsync(CancellationToken cancellationToken = default);

    Task ClearStateAsync(CancellationToken cancellationToken = default);
}
