namespace BorderGate.Actors.Networking;

/// <summary>Why a silo answered with an Error frame. The numbers are on the wire; never renumber them.</summary>
internal enum TransportErrorCode : byte
{
    None = 0,

    /// <summary>The peer broke the protocol; the connection is being closed.</summary>
    Protocol = 1,

    /// <summary>The Hello named another cluster; the connection is being closed.</summary>
    WrongCluster = 2,

    /// <summary>The frame was addressed to another incarnation (generation) of this silo.</summary>
    WrongGeneration = 3,

    /// <summary>The request's deadline had passed when it arrived.</summary>
    DeadlineExpired = 4,

    /// <summary>The incoming-request handler failed or gave no response.</summary>
    HandlerFailed = 5,

    /// <summary>The silo is shutting down and takes no new requests.</summary>
    ShuttingDown = 6,

    /// <summary>The grain lives on another silo (named in the payload as <c>host:port@generation</c>); the caller re-routes.</summary>
    GrainMoved = 7,

    /// <summary>The silo is over its limit of requests in progress and did not run this one; the caller may retry later.</summary>
    Overloaded = 8,
}
