using Microsoft.Extensions.Logging;

namespace BorderGate.Actors.Postgres.Internal;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Error, "PostgreSQL write batch of {Count} writes failed; none of them was written")]
    public static partial void WriteBatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(2, LogLevel.Error, "PostgreSQL write failed; it was not written")]
    public static partial void WriteFailed(ILogger logger, Exception exception);

    [LoggerMessage(3, LogLevel.Error, "PostgreSQL {Operation} failed")]
    public static partial void OperationFailed(ILogger logger, Exception exception, string operation);

    [LoggerMessage(4, LogLevel.Information, "Applied schema script V{Version} ({Script})")]
    public static partial void SchemaScriptApplied(ILogger logger, int version, string script);

    [LoggerMessage(5, LogLevel.Error, "PostgreSQL schema could not be prepared")]
    public static partial void InitializationFailed(ILogger logger, Exception exception);
}
