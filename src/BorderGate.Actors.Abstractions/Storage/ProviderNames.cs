namespace BorderGate.Actors.Storage;

/// <summary>DI keys of storage providers. Providers register <see cref="IGrainStorage"/> as keyed services under their name.</summary>
public static class ProviderNames
{
    /// <summary>The provider used when a <see cref="PersistentStateAttribute"/> names none.</summary>
    public const string Default = "Default";
}
