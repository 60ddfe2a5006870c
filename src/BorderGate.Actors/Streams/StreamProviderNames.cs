namespace BorderGate.Actors.Streams;

public static class StreamProviderNames
{
    /// <summary>The stream provider every runtime has, over the registered event log.</summary>
    public const string Default = "Default";
}
