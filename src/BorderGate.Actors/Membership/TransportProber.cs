using System.Globalization;
using System.Net;
using System.Text;
using BorderGate.Actors.Networking;

namespace BorderGate.Actors.Membership;

/// <summary>
/// Probes over the silo-to-silo transport: a request to the silo's membership target, addressed to its generation (a
/// restarted silo on the same endpoint does not answer for the one before it). The target side is <see cref="Answer"/>.
/// </summary>
internal sealed class TransportProber(SiloTransport transport) : ISiloProber
{
    /// <summary>The system target of membership requests (no grain type starts with '$').</summary>
    public const string TargetType = Frame.MembershipTarget;

    private const string ProbeMethod = "probe";
    private const string ProbeThroughMethod = "probe-through";

    public async Task<bool> ProbeAsync(SiloAddress silo, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(silo, ProbeMethod, default, timeout, cancellationToken).ConfigureAwait(false);
        return answer is { Kind: FrameKind.Response };
    }

    public async Task<bool?> ProbeThroughAsync(SiloAddress via, SiloAddress silo, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The intermediary gets the probe's own timeout to reach the silo, and as long again to answer.
        var answer = await SendAsync(via, ProbeThroughMethod, Encoding.UTF8.GetBytes(Format(silo, timeout)), timeout * 2, cancellationToken).ConfigureAwait(false);
        return answer is { Kind: FrameKind.Response, Payload.Length: 1 } ? answer.Payload.Span[0] == 1 : null;
    }

    /// <summary>Answers a membership request from another silo; null if <paramref name="request"/> is not one.</summary>
    public static ValueTask<Frame?>? Answer(Frame request, ISiloProber prober, CancellationToken cancellationToken)
    {
        if (request.TargetType != TargetType)
        {
            return null;
        }

        return request.Method switch
        {
            ProbeMethod => ValueTask.FromResult<Frame?>(Frame.ResponseTo(request, default)),
            ProbeThroughMethod when TryParse(request.Payload.Span, out var silo, out var timeout) => ProbeForAsync(request, prober, silo, timeout, cancellationToken),
            ProbeThroughMethod => ValueTask.FromResult<Frame?>(Frame.ErrorTo(
                request.CorrelationId, TransportErrorCode.HandlerFailed, "A probe-through request names a silo and a timeout: ip:port@generation/milliseconds (1-60000).")),
            _ => ValueTask.FromResult<Frame?>(Frame.ErrorTo(request.CorrelationId, TransportErrorCode.HandlerFailed, $"Unknown membership request '{request.Method}'.")),
        };
    }

    private static async ValueTask<Frame?> ProbeForAsync(Frame request, ISiloProber prober, SiloAddress silo, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var reached = await prober.ProbeAsync(silo, timeout, cancellationToken).ConfigureAwait(false);
        return Frame.ResponseTo(request, new[] { reached ? (byte)1 : (byte)0 });
    }

    private async Task<Frame?> SendAsync(SiloAddress silo, string method, ReadOnlyMemory<byte> payload, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = transport.TimeProvider.GetUtcNow() + timeout;
        try
        {
            return await transport.SendRequestAsync(silo, Frame.Request(TargetType, string.Empty, method, payload, deadline.UtcTicks), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is SiloUnavailableException or GrainCallTimeoutException)
        {
            return null;
        }
    }

    private static string Format(SiloAddress silo, TimeSpan timeout) =>
        string.Create(CultureInfo.InvariantCulture, $"{silo}/{(long)timeout.TotalMilliseconds}");

    private static bool TryParse(ReadOnlySpan<byte> payload, out SiloAddress silo, out TimeSpan timeout)
    {
        timeout = default;
        var text = Encoding.UTF8.GetString(payload);
        var slash = text.LastIndexOf('/');
        if (slash <= 0
            || !SiloAddress.TryParse(text.AsSpan(0, slash), out var parsed)
            || !long.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            || milliseconds is <= 0 or > 60_000)
        {
            silo = null!;
            return false;
        }

        silo = parsed;
        timeout = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }
}
