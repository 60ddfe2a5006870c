namespace BorderGate.Actors.Sqlite.Internal;

/// <summary>New ETags: time-ordered and random (UUIDv7), so they never repeat across restarts or processes.</summary>
internal static class ETags
{
    public static string New() => Guid.CreateVersion7().ToString("N");
}
