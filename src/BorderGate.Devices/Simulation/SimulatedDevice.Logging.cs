using Microsoft.Extensions.Logging;

namespace BorderGate.Devices.Simulation;

public abstract partial class SimulatedDevice
{
    [LoggerMessage(1, LogLevel.Debug, "Simulated device {DeviceId} connected (session {SessionId})")]
    private partial void LogConnected(string deviceId, string? sessionId);

    [LoggerMessage(2, LogLevel.Debug, "Simulated device {DeviceId} dropped command {CommandId} (injected fault)")]
    private partial void LogCommandDropped(string deviceId, string commandId);

    [LoggerMessage(3, LogLevel.Debug, "Simulated device {DeviceId} stopped receiving: {Reason}")]
    private partial void LogReceiveStopped(string deviceId, string reason);

    [LoggerMessage(4, LogLevel.Debug, "Simulated device {DeviceId} stopped heartbeats")]
    private partial void LogHeartbeatStopped(string deviceId);

    [LoggerMessage(5, LogLevel.Debug, "Simulated device {DeviceId}: background work stopped: {Reason}")]
    private partial void LogBackgroundStopped(string deviceId, string reason);
}
