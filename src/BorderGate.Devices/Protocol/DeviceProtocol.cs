namespace BorderGate.Devices.Protocol;

/// <summary>The names of device protocol v1 (docs/device-protocol.md): path, version, message types and error codes.</summary>
public static class DeviceProtocol
{
    /// <summary>The WebSocket path devices connect to.</summary>
    public const string Path = "/devices/v1";

    /// <summary>The protocol a device names in its hello.</summary>
    public const string Version = "bordergate-device/1";

    /// <summary>The largest text frame (message) accepted, in bytes; a larger one closes the connection.</summary>
    public const int MaxFrameBytes = 16 * 1024;

    public static class Types
    {
        public const string Hello = "hello";
        public const string Challenge = "challenge";
        public const string Auth = "auth";
        public const string Welcome = "welcome";
        public const string Error = "error";
        public const string Command = "command";
        public const string Ack = "ack";
        public const string Telemetry = "telemetry";
        public const string Fault = "fault";
        public const string Heartbeat = "heartbeat";
    }

    /// <summary>Error codes of <c>{type:"error"}</c> replies and the reasons the endpoint counts.</summary>
    public static class Errors
    {
        public const string Malformed = "message.malformed";
        public const string UnknownType = "message.unknown-type";
        public const string MissingField = "message.missing-field";
        public const string BinaryFrame = "message.binary";
        public const string TooLarge = "frame.too-large";
        public const string AuthRequired = "auth.required";
        public const string AuthFailed = "auth.failed";
        public const string ProtocolUnsupported = "protocol.unsupported";
        public const string HandshakeTimeout = "auth.timeout";
        public const string UnknownCommand = "ack.unknown-command";
    }
}
