using Microsoft.Extensions.Logging;

namespace BorderGate.Actors.Runtime;

internal sealed partial class ActivationData
{
    [LoggerMessage(1001, LogLevel.Debug, "Activated grain {GrainId}")]
    private static partial void LogActivated(ILogger logger, GrainId grainId);

    [LoggerMessage(1002, LogLevel.Error, "Activation of grain {GrainId} failed")]
    private static partial void LogActivationFailed(ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(1003, LogLevel.Debug, "Deactivated grain {GrainId} ({Reason})")]
    private static partial void LogDeactivated(ILogger logger, GrainId grainId, DeactivationReason reason);

    [LoggerMessage(1004, LogLevel.Warning, "OnDeactivateAsync of grain {GrainId} failed")]
    private static partial void LogDeactivationHookFailed(ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(1005, LogLevel.Error, "A turn of grain {GrainId} failed outside the grain method")]
    private static partial void LogTurnFailed(ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(1006, LogLevel.Warning, "A timer of grain {GrainId} failed")]
    internal static partial void LogTimerFailed(ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(1007, LogLevel.Warning, "Grain {GrainId} did not finish its running turns before the runtime stopped; it was taken out of service without OnDeactivateAsync")]
    private static partial void LogAborted(ILogger logger, GrainId grainId);

    internal ILogger Logger => _runtime.Logger;
}
