namespace BorderGate.Actors.Networking;

/// <summary>The outcome of reading one frame from buffered bytes.</summary>
internal enum FrameReadStatus
{
    /// <summary>A whole, valid frame was read and the buffer moved past it.</summary>
    Frame,

    /// <summary>More bytes are needed; nothing was consumed.</summary>
    Incomplete,

    BadMagic,
    UnsupportedVersion,
    Oversized,
    Malformed,
}
