namespace BorderGate.Actors.Networking;

/// <summary>A frame queued for a connection's write loop, with its encoded length taken by the sender.</summary>
internal readonly record struct OutgoingFrame(Frame Frame, int Length);
