namespace BorderGate.Actors.Invocation;

/// <summary>What generated grain factories ask of the activation being created.</summary>
public interface IGrainActivationContext
{
    IGrainContext GrainContext { get; }

    /// <summary>The persistent state for a constructor parameter marked <see cref="PersistentStateAttribute"/>.</summary>
    IPersistentState<TState> GetPersistentState<TState>(string stateName, string? storageName)
        where TState : new();
}
