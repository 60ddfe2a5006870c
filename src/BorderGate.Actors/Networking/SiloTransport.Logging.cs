using System.Net;
using Microsoft.Extensions.Logging;

namespace BorderGate.Actors.Networking;

internal sealed partial class SiloTransport
{
    [LoggerMessage(1, LogLevel.Information, "Silo transport listening on {Bound} as {Address}")]
    private static partial void LogListening(ILogger logger, SiloAddress address, EndPoint bound);

    [LoggerMessage(2, LogLevel.Warning, "Silo transport rejected the connection with {Remote}: {Reason}")]
    internal static partial void LogConnectionRejected(ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(3, LogLevel.Debug, "Silo connection with {Remote} closed: {Reason}")]
    internal static partial void LogConnectionClosed(ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(4, LogLevel.Error, "Silo connection with {Remote} failed")]
    internal static partial void LogConnectionFault(ILogger logger, EndPoint? remote, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "Could not connect to silo {Target}: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, SiloAddress target, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Accepting a silo connection failed")]
    private static partial void LogAcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Warning, "The handler of a {Kind} frame for {TargetType} {Method} failed")]
    internal static partial void LogHandlerFailed(ILogger logger, FrameKind kind, string? targetType, string? method, Exception exception);
}
