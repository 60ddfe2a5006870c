namespace BorderGate.Actors.Networking;

/// <summary>
/// One message between silos (see docs/cluster-transport.md). A plain carrier: the transport stamps the
/// correlation id, target generation, deadline and trace context of outgoing requests on it, so a frame
/// belongs to one send at a time. Optional fields are left at their default to be left off the wire.
/// </summary>
internal sealed class Frame
{
    public FrameKind Kind { get; set; }

    /// <summary>Pairs a Response or Error with its Request; 0 for frames that expect no answer.</summary>
    public long CorrelationId { get; set; }

    /// <summary>Absolute deadline of a Request, UTC ticks; 0 for none.</summary>
    public long DeadlineUtcTicks { get; set; }

    /// <summary>The generation of the silo the frame is addressed to; 0 for any.</summary>
    public long TargetGeneration { get; set; }

    /// <summary>Hello only: the hash of the sender's cluster id (<see cref="ClusterId.Hash"/>).</summary>
    public ulong ClusterIdHash { get; set; }

    /// <summary>Hello only: the sender's address and generation.</summary>
    public SiloAddress? Sender { get; set; }

    /// <summary>W3C trace context of the caller's span.</summary>
    public string? TraceParent { get; set; }

    public string? TraceState { get; set; }

    /// <summary>The target grain's type name.</summary>
    public string? TargetType { get; set; }

    /// <summary>The target grain's key.</summary>
    public string? TargetKey { get; set; }

    /// <summary>The method's stable identity (its signature).</summary>
    public string? Method { get; set; }

    public TransportErrorCode ErrorCode { get; set; }

    public string? ErrorMessage { get; set; }

    /// <summary>The target of membership requests (probes): sent, and answered, ahead of everything queued.</summary>
    public const string MembershipTarget = "$membership";

    /// <summary>
    /// Addressed to a system target of the silos' own (membership, reminder notices, stream news: no grain type starts
    /// with <c>$</c>): never shed as overloaded.
    /// </summary>
    public bool IsSystem => TargetType is { Length: > 0 } type && type[0] == '$';

    /// <summary>
    /// A probe of the membership protocol: it goes ahead of the frames queued on its connection (few and small; a probe
    /// stuck behind a backlog of calls would get a live silo declared dead). Stream news and reminder notices do not: they
    /// may be many, and must not overtake the calls queued before them.
    /// </summary>
    public bool IsProbe => TargetType == MembershipTarget;

    /// <summary>Opaque bytes: serialized arguments or result. The transport never looks inside.</summary>
    public ReadOnlyMemory<byte> Payload { get; set; }

    public static Frame Request(string targetType, string targetKey, string method, ReadOnlyMemory<byte> payload, long deadlineUtcTicks = 0) => new()
    {
        Kind = FrameKind.Request,
        TargetType = targetType,
        TargetKey = targetKey,
        Method = method,
        Payload = payload,
        DeadlineUtcTicks = deadlineUtcTicks,
    };

    public static Frame OneWay(string targetType, string targetKey, string method, ReadOnlyMemory<byte> payload) => new()
    {
        Kind = FrameKind.OneWay,
        TargetType = targetType,
        TargetKey = targetKey,
        Method = method,
        Payload = payload,
    };

    public static Frame ResponseTo(Frame request, ReadOnlyMemory<byte> payload) => new()
    {
        Kind = FrameKind.Response,
        CorrelationId = request.CorrelationId,
        Payload = payload,
    };

    /// <summary>
    /// An Error frame. Its message often comes from an exception of grain code, which may hold half of a surrogate pair (a
    /// name cut at a fixed length): such a half is sent as U+FFFD, since a string that cannot be encoded would fail the
    /// answer — and with it the connection it goes on.
    /// </summary>
    public static Frame ErrorTo(long correlationId, TransportErrorCode code, string message) => new()
    {
        Kind = FrameKind.Error,
        CorrelationId = correlationId,
        ErrorCode = code,
        ErrorMessage = WellFormed(message),
    };

    /// <summary>The text, with any unpaired surrogate replaced by U+FFFD (the text itself when it has none).</summary>
    internal static string WellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i]))
            {
                continue;
            }

            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            // UTF-8's default encoder replaces what it cannot encode.
            return System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(text));
        }

        return text;
    }

    public static Frame Hello(ulong clusterIdHash, SiloAddress sender) => new()
    {
        Kind = FrameKind.Hello,
        ClusterIdHash = clusterIdHash,
        Sender = sender,
    };

    public override string ToString() =>
        $"{Kind} #{CorrelationId} {TargetType}/{TargetKey} {Method} ({Payload.Length} bytes){(ErrorCode == TransportErrorCode.None ? string.Empty : $" {ErrorCode}: {ErrorMessage}")}";
}
