using BorderGate.Actors.Networking;
using BorderGate.Actors.Reminders;

namespace BorderGate.Actors.Cluster;

/// <summary>
/// "A grain's reminders changed in the table": sent by the silo where the grain registered or removed a reminder to the
/// silo that fires it (its owner on the ring), which re-reads that grain's rows before it answers — so that a reminder
/// registered anywhere is scheduled by its owner before the registration returns. The target side is <see cref="Answer"/>.
/// </summary>
internal static class ReminderNotices
{
    /// <summary>The system target of reminder notices (no grain type starts with '$').</summary>
    public const string TargetType = "$reminders";

    private const string ChangedMethod = "changed";

    /// <summary>Tells <paramref name="owner"/>; throws <see cref="SiloUnavailableException"/> or a refusal when it was not told.</summary>
    public static async Task TellAsync(SiloTransport transport, string owner, GrainId grainId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!SiloAddress.TryParse(owner, out var silo))
        {
            throw new ArgumentException($"'{owner}' is not a silo's name (ip:port@generation).", nameof(owner));
        }

        var deadline = transport.TimeProvider.GetUtcNow() + timeout;
        var answer = await transport.SendRequestAsync(silo, Frame.Request(TargetType, grainId.ToString(), ChangedMethod, default, deadline.UtcTicks), cancellationToken)
            .ConfigureAwait(false);
        if (answer.Kind != FrameKind.Response)
        {
            throw new RemoteGrainException($"Silo {owner} refused the reminder notice of {grainId}: {answer.ErrorMessage}", null, owner);
        }
    }

    /// <summary>Answers a reminder notice from another silo once the grain's rows are re-read; null if <paramref name="request"/> is not one.</summary>
    public static ValueTask<Frame?>? Answer(Frame request, ReminderService reminders, CancellationToken cancellationToken)
    {
        if (request.TargetType != TargetType)
        {
            return null;
        }

        if (request.Method != ChangedMethod)
        {
            return ValueTask.FromResult<Frame?>(Frame.ErrorTo(request.CorrelationId, TransportErrorCode.HandlerFailed, $"Unknown reminder request '{request.Method}'."));
        }

        GrainId grainId;
        try
        {
            grainId = GrainId.Parse(request.TargetKey ?? string.Empty);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            return ValueTask.FromResult<Frame?>(Frame.ErrorTo(request.CorrelationId, TransportErrorCode.HandlerFailed, $"A reminder notice names its grain as type/key: {exception.Message}"));
        }

        return RefreshAsync(request, reminders, grainId, cancellationToken);
    }

    private static async ValueTask<Frame?> RefreshAsync(Frame request, ReminderService reminders, GrainId grainId, CancellationToken cancellationToken)
    {
        try
        {
            await reminders.RefreshGrainAsync(grainId, cancellationToken).ConfigureAwait(false);
            return Frame.ResponseTo(request, default);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return Frame.ErrorTo(request.CorrelationId, TransportErrorCode.HandlerFailed, $"The reminders of {grainId} could not be read: {exception.Message}");
        }
    }
}
