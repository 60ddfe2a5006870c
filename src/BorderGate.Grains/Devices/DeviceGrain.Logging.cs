using BorderGate.Contracts.Devices;
using Microsoft.Extensions.Logging;

namespace BorderGate.Grains.Devices;

internal sealed partial class DeviceGrain
{
    [LoggerMessage(1, LogLevel.Debug, "Device {DeviceId}: command {CommandId} repeated, answering its first outcome {Outcome}")]
    private partial void LogRepeatedCommand(string deviceId, string commandId, CommandOutcome outcome);

    [LoggerMessage(2, LogLevel.Information, "Device {DeviceId}: command {CommandId} ({CommandName}) not sent: {Reason}")]
    private partial void LogCommandRefused(string deviceId, string commandId, string commandName, string reason);

    [LoggerMessage(3, LogLevel.Debug, "Device {DeviceId}: command {CommandId} ({CommandName}) {Outcome} after {Attempts} attempt(s) {Error}")]
    private partial void LogCommandDone(string deviceId, string commandId, string commandName, CommandOutcome outcome, int attempts, string? error);

    [LoggerMessage(4, LogLevel.Information, "Device {DeviceId}: no acknowledgement, attempt {Attempt} in {Delay}")]
    private partial void LogRetry(string deviceId, int attempt, TimeSpan delay);

    [LoggerMessage(5, LogLevel.Warning, "Device {DeviceId} reported fault {Code}: {Message}")]
    private partial void LogFault(string deviceId, string code, string message);

    [LoggerMessage(6, LogLevel.Information, "Device {DeviceId}: fault {Code} cleared")]
    private partial void LogFaultCleared(string deviceId, string code);

    [LoggerMessage(7, LogLevel.Warning, "Device {DeviceId} is stale: silent for {SilentFor}")]
    private partial void LogStale(string deviceId, TimeSpan silentFor);

    [LoggerMessage(8, LogLevel.Information, "Device {DeviceId} is back online (was {Previous})")]
    private partial void LogBackOnline(string deviceId, DeviceHealth previous);

    [LoggerMessage(9, LogLevel.Debug, "Device {DeviceId} connected: {Connected}")]
    private partial void LogConnectionChanged(string deviceId, bool connected);

    [LoggerMessage(10, LogLevel.Error, "Device {DeviceId}: event {EventName} could not reach its owner {OwnerKind} {OwnerKey}")]
    private partial void LogForwardFailed(Exception exception, string deviceId, string eventName, DeviceOwnerKind ownerKind, string ownerKey);

    [LoggerMessage(11, LogLevel.Error, "Device {DeviceId}: alarm {Code} could not be published")]
    private partial void LogAlarmFailed(Exception exception, string deviceId, string code);

    [LoggerMessage(12, LogLevel.Warning, "Device {DeviceId}: the outcomes of its recent commands could not be stored; tried again on the next check")]
    private partial void LogOutcomesNotStored(Exception exception, string deviceId);
}
