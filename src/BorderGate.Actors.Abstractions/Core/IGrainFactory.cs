namespace BorderGate.Actors;

/// <summary>Hands out references to grains. References are cheap; the grain is activated on its first call.</summary>
public interface IGrainFactory
{
    /// <summary>A typed reference to the grain of interface <typeparamref name="TGrainInterface"/> with the given key.</summary>
    /// <exception cref="ArgumentException">The key is null or empty.</exception>
    /// <exception cref="GrainImplementationNotFoundException">No grain class implements the interface.</exception>
    TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey;
}
