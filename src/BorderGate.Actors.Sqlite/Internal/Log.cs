using Microsoft.Extensions.Logging;

namespace BorderGate.Actors.Sqlite.Internal;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Error, "SQLite write batch of {Count} writes to {Path} failed; none of them was written")]
    public static partial void WriteBatchFailed(ILogger logger, Exception exception, int count, string path);

    [LoggerMessage(2, LogLevel.Error, "SQLite write to {Path} failed; it was not written")]
    public static partial void WriteFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(3, LogLevel.Error, "SQLite read ({Operation}) from {Path} failed")]
    public static partial void ReadFailed(ILogger logger, Exception exception, string operation, string path);

    [LoggerMessage(4, LogLevel.Information, "Applied schema script V{Version} ({Script}) to {Path}")]
    public static partial void SchemaScriptApplied(ILogger logger, int version, string script, string path);

    [LoggerMessage(5, LogLevel.Error, "SQLite database {Path} could not be prepared")]
    public static partial void InitializationFailed(ILogger logger, Exception exception, string path);
}
