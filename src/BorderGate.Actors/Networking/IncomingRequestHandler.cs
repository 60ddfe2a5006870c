namespace BorderGate.Actors.Networking;

/// <summary>
/// Handles a Request or OneWay frame that arrived from another silo. For a Request it returns the Response (or
/// Error) frame; the transport sets its correlation id. For a OneWay the result is ignored and may be null.
/// It is called on the connection's read loop: it must not block, and should hand work off and return a pending
/// task rather than do it inline. The token is cancelled when the connection closes.
/// </summary>
internal delegate ValueTask<Frame?> IncomingRequestHandler(Frame frame, CancellationToken cancellationToken);
