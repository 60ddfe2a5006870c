using System.Net;
using System.Text;
using BorderGate.Actors.Invocation;
using BorderGate.Actors.Membership;
using BorderGate.Actors.Networking;

namespace BorderGate.Actors.Cluster;

/// <summary>
/// A grain call to a named silo over the transport, and the frames a silo answers with: the result, a failure (the
/// exception's type and message), or "the grain lives elsewhere" (the silo that holds it). Used by silos and clients alike.
/// </summary>
internal sealed class RemoteCaller(SiloTransport transport, RemoteCallCodec codec, TimeSpan defaultTimeout)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Address, long Generation), SiloAddress> _silos = new();

    /// <summary>
    /// The call's answer; throws what the remote grain threw (re-created), <see cref="GrainMovedException"/> when the silo
    /// says the grain is elsewhere, <see cref="SiloUnavailableException"/> when the silo cannot be reached.
    /// </summary>
    /// <param name="via">Where to send it when not the owner's silo port (a client calling on the silo's client port).</param>
    public async ValueTask<TResult> InvokeAsync<TRequest, TResult>(GrainLocation owner, TRequest request, SiloAddress? via = null)
        where TRequest : struct, IGrainRequest<TResult> =>
        Answer<TResult>(owner, await Send<TRequest, TResult>(owner, request, via).ConfigureAwait(false));

    /// <summary>
    /// The call sent: the answer frame to come, for <see cref="Answer"/>. A caller that awaits anyway (the silo's router)
    /// awaits this itself rather than through another state machine of <see cref="InvokeAsync"/>'s.
    /// </summary>
    public Task<Frame> Send<TRequest, TResult>(GrainLocation owner, TRequest request, SiloAddress? via = null)
        where TRequest : struct, IGrainRequest<TResult>
    {
        var method = codec.Method(request.Method.Signature);
        var payload = codec.EncodeArguments(method, request.GetArguments());
        var timeout = request.Method.ResponseTimeout ?? defaultTimeout;
        var frame = Frame.Request(owner.GrainId.Type, owner.GrainId.Key, request.Method.Signature, payload, (DateTimeOffset.UtcNow + timeout).UtcTicks);
        return transport.SendRequestAsync(via ?? SiloOf(owner), frame);
    }

    /// <summary>The result an answer frame carries, or the failure it tells of, thrown.</summary>
    public TResult Answer<TResult>(GrainLocation owner, Frame answer) => answer switch
    {
        { Kind: FrameKind.Response } => codec.DecodeResult<TResult>(answer.Payload.Span),
        { ErrorCode: TransportErrorCode.GrainMoved } when ParseLocation(owner.GrainId, answer.Payload.Span) is { } moved => throw new GrainMovedException(moved),
        { ErrorCode: TransportErrorCode.HandlerFailed } when answer.Payload.Length > 0 => throw RemoteCallCodec.DecodeFailure(answer.Payload.Span, owner.Silo),
        _ => throw new RemoteGrainException($"Silo {owner.Silo} refused the call: {answer.ErrorMessage}", null, owner.Silo),
    };

    /// <summary>The owner's silo address, parsed once per silo incarnation (not at every call).</summary>
    private SiloAddress SiloOf(GrainLocation owner)
    {
        if (_silos.TryGetValue((owner.Address, owner.Generation), out var known))
        {
            return known;
        }

        if (_silos.Count >= 1024)
        {
            // Incarnations come and go over months: forget them all now and then rather than keep every one.
            _silos.Clear();
        }

        return _silos[(owner.Address, owner.Generation)] = new SiloAddress(IPEndPoint.Parse(owner.Address), owner.Generation);
    }

    public static Frame Failed(Frame frame, Exception exception)
    {
        var error = Frame.ErrorTo(frame.CorrelationId, TransportErrorCode.HandlerFailed, exception.Message);
        error.Payload = RemoteCallCodec.EncodeFailure(exception);
        return error;
    }

    public static Frame Moved(Frame frame, GrainLocation location)
    {
        var error = Frame.ErrorTo(frame.CorrelationId, TransportErrorCode.GrainMoved, $"Grain {location.GrainId} lives on silo {location.Silo}.");
        error.Payload = Encoding.UTF8.GetBytes(location.Silo);
        return error;
    }

    private static GrainLocation? ParseLocation(GrainId grainId, ReadOnlySpan<byte> payload) =>
        SiloAddress.TryParse(Encoding.UTF8.GetString(payload), out var silo) ? new GrainLocation(grainId, silo.Endpoint.ToString(), silo.Generation) : null;
}
