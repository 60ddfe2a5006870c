namespace BorderGate.Grains;

/// <summary>A hash of text that is the same in every process (<see cref="string.GetHashCode()"/> is randomized): which stored part a key goes to.</summary>
internal static class StableHash
{
    /// <summary>FNV-1a over the text's characters.</summary>
    public static uint Of(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
