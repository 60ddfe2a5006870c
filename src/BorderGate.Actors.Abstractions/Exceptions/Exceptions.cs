namespace BorderGate.Actors;

/// <summary>A grain call did not complete before its deadline. The grain may still finish the work.</summary>
public sealed class GrainCallTimeoutException : TimeoutException
{
    public GrainCallTimeoutException(string message) : base(message) { }

    public GrainCallTimeoutException() { }

    public GrainCallTimeoutException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>No grain class implements the grain interface, or more than one does.</summary>
public sealed class GrainImplementationNotFoundException : InvalidOperationException
{
    public GrainImplementationNotFoundException(string message) : base(message) { }

    public GrainImplementationNotFoundException() { }

    public GrainImplementationNotFoundException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A state write or clear lost an optimistic-concurrency race: the stored ETag was not the expected one. Nothing was overwritten.</summary>
public sealed class InconsistentStateException : InvalidOperationException
{
    public InconsistentStateException(string message, string? storedETag, string? expectedETag) : base(message)
    {
        StoredETag = storedETag;
        ExpectedETag = expectedETag;
    }

    public InconsistentStateException() { }

    public InconsistentStateException(string message) : base(message) { }

    public InconsistentStateException(string message, Exception inner) : base(message, inner) { }

    public string? StoredETag { get; }

    public string? ExpectedETag { get; }

    /// <summary>
    /// The exception a storage provider throws when a write or clear of state <paramref name="stateName"/> of
    /// <paramref name="grainId"/> found <paramref name="storedETag"/> (null: no record) instead of <paramref name="expectedETag"/>.
    /// </summary>
    public static InconsistentStateException ForState(string stateName, GrainId grainId, string? storedETag, string? expectedETag) =>
        new(
            $"State '{stateName}' of {grainId} was changed by another writer (stored ETag '{storedETag ?? "none"}', expected '{expectedETag ?? "none"}'); nothing was written.",
            storedETag,
            expectedETag);
}

/// <summary>A storage provider could not be reached or failed. Nothing was half-written.</summary>
public sealed class GrainStorageException : Exception
{
    public GrainStorageException(string message) : base(message) { }

    public GrainStorageException() { }

    public GrainStorageException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A grain's state could not be turned into JSON or back.</summary>
public sealed class GrainStateSerializationException : Exception
{
    public GrainStateSerializationException(string message) : base(message) { }

    public GrainStateSerializationException() { }

    public GrainStateSerializationException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>An activation could not be created or its OnActivateAsync failed.</summary>
public sealed class GrainActivationException : Exception
{
    public GrainActivationException(string message) : base(message) { }

    public GrainActivationException() { }

    public GrainActivationException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// A remote silo could not be reached, its connection dropped while the call was in flight, or it is no longer
/// the incarnation (generation) the call was addressed to. The call may or may not have run there; a caller
/// can re-route it to another silo.
/// </summary>
public sealed class SiloUnavailableException : Exception
{
    public SiloUnavailableException(string message, string? silo, Exception? inner = null) : base(message, inner) => Silo = silo;

    public SiloUnavailableException() { }

    public SiloUnavailableException(string message) : base(message) { }

    public SiloUnavailableException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The silo that was unavailable, as <c>host:port@generation</c>, when known.</summary>
    public string? Silo { get; }
}

/// <summary>
/// A silo turned the call away unrun because it is over its load limit (too many calls in progress there, or too many
/// waiting to be sent to it): shed at once instead of queued until it stalls. Nothing ran; the caller may try again
/// after a short back-off, or report the system busy (HTTP 503 with Retry-After). Not a reason to re-route: the silo is
/// alive.
/// </summary>
public sealed class SiloOverloadedException : Exception
{
    public SiloOverloadedException(string message, string? silo) : base(message) => Silo = silo;

    public SiloOverloadedException() { }

    public SiloOverloadedException(string message) : base(message) { }

    public SiloOverloadedException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The silo that shed the call, as <c>host:port@generation</c>, when known.</summary>
    public string? Silo { get; }
}

/// <summary>
/// A grain call failed on another silo with an exception that cannot be re-created here (its type is not loaded, or has
/// no constructor taking a message): its type name and message, as the remote silo reported them.
/// </summary>
public sealed class RemoteGrainException : Exception
{
    public RemoteGrainException(string message, string? remoteType, string? silo) : base(message)
    {
        RemoteType = remoteType;
        Silo = silo;
    }

    public RemoteGrainException() { }

    public RemoteGrainException(string message) : base(message) { }

    public RemoteGrainException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The full name of the exception's type on the remote silo.</summary>
    public string? RemoteType { get; }

    /// <summary>The silo the call failed on, as <c>host:port@generation</c>.</summary>
    public string? Silo { get; }
}
