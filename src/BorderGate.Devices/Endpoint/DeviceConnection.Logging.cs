using Microsoft.Extensions.Logging;

namespace BorderGate.Devices.Endpoint;

internal sealed partial class DeviceConnection
{
    [LoggerMessage(1, LogLevel.Information, "Device {DeviceId} connected (session {SessionId})")]
    private partial void LogConnected(string deviceId, string sessionId);

    [LoggerMessage(2, LogLevel.Information, "Device {DeviceId} disconnected (session {SessionId}, current: {WasCurrent})")]
    private partial void LogDisconnected(string deviceId, string sessionId, bool wasCurrent);

    [LoggerMessage(3, LogLevel.Debug, "Device {DeviceId} connection {SessionId} ended: {Reason}")]
    private partial void LogConnectionEnded(string deviceId, string sessionId, string reason);

    [LoggerMessage(4, LogLevel.Warning, "Device {DeviceId} failed authentication: {Reason}")]
    private partial void LogAuthFailed(string? deviceId, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Device {DeviceId} refused and closed: {Code} {Message}")]
    private partial void LogRefused(string deviceId, string code, string message);

    [LoggerMessage(6, LogLevel.Warning, "Device {DeviceId} sent a bad message: {Code} {Message}")]
    private partial void LogBadMessage(string deviceId, string code, string message);

    [LoggerMessage(7, LogLevel.Debug, "Device {DeviceId}: seq {Seq} ignored (last {LastSeq})")]
    private partial void LogSequenceIgnored(string deviceId, long seq, long lastSeq);

    [LoggerMessage(8, LogLevel.Information, "Device {DeviceId}: seq jumped from {LastSeq} to {Seq}")]
    private partial void LogSequenceGap(string deviceId, long lastSeq, long seq);

    [LoggerMessage(9, LogLevel.Error, "Device {DeviceId}: its grain could not take a message")]
    private partial void LogForwardFailed(Exception exception, string deviceId);

    [LoggerMessage(10, LogLevel.Debug, "Device {DeviceId}: command {CommandId} ({CommandName}) sent")]
    private partial void LogCommandSent(string deviceId, string commandId, string commandName);
}
