namespace BorderGate.Actors.Networking;

/// <summary>
/// The header's presence bits: which optional fields follow the fixed header, in this order. The numbers are
/// on the wire; never renumber them. A frame with a bit outside <see cref="Known"/> is malformed.
/// </summary>
[Flags]
internal enum FrameFields : ushort
{
    None = 0,
    Deadline = 1 << 0,
    TargetGeneration = 1 << 1,
    Hello = 1 << 2,
    TraceParent = 1 << 3,
    TraceState = 1 << 4,
    TargetType = 1 << 5,
    TargetKey = 1 << 6,
    Method = 1 << 7,
    ErrorCode = 1 << 8,
    ErrorMessage = 1 << 9,
    Known = (1 << 10) - 1,
}
