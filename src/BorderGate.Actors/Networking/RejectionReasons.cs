namespace BorderGate.Actors.Networking;

/// <summary>The values of <see cref="Diagnostics.ActorDiagnostics.TransportReasonTag"/> on rejected connections.</summary>
internal static class RejectionReasons
{
    public const string BadMagic = "bad_magic";
    public const string UnsupportedVersion = "unsupported_version";
    public const string Oversized = "oversized";
    public const string Malformed = "malformed";
    public const string Truncated = "truncated";
    public const string NoHello = "no_hello";
    public const string WrongCluster = "wrong_cluster";
    public const string HandshakeTimeout = "handshake_timeout";
    public const string LivenessTimeout = "liveness_timeout";
    public const string UnexpectedFrame = "unexpected_frame";

    public static string For(FrameReadStatus status) => status switch
    {
        FrameReadStatus.BadMagic => BadMagic,
        FrameReadStatus.UnsupportedVersion => UnsupportedVersion,
        FrameReadStatus.Oversized => Oversized,
        _ => Malformed,
    };
}
