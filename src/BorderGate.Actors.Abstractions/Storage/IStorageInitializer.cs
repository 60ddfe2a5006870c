namespace BorderGate.Actors.Storage;

/// <summary>A provider that prepares its store at start (schema scripts, pragmas). Run once by the host before grains serve.</summary>
public interface IStorageInitializer
{
    Task InitializeAsync(CancellationToken cancellationToken);
}
