namespace BorderGate.Actors.Networking;

/// <summary>What a frame is for. The numbers are on the wire; never renumber them.</summary>
internal enum FrameKind : byte
{
    Request = 1,
    Response = 2,
    OneWay = 3,
    Ping = 4,
    Pong = 5,
    Hello = 6,
    Error = 7,
}
