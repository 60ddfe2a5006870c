using System.Net;

namespace BorderGate.Actors.Networking;

/// <summary>Settings of the silo-to-silo transport (framed binary messages over TCP).</summary>
public sealed class SiloTransportOptions
{
    /// <summary>The cluster this silo belongs to; a peer that says hello with another cluster id is turned away.</summary>
    public string ClusterId { get; set; } = "bordergate";

    /// <summary>Where the silo listens for other silos. Port 0 takes a free port (tests).</summary>
    public IPEndPoint ListenEndpoint { get; set; } = new(IPAddress.Loopback, 11111);

    /// <summary>The endpoint other silos reach this one at, when it differs from <see cref="ListenEndpoint"/> (listening on any address, NAT).</summary>
    public IPEndPoint? AdvertisedEndpoint { get; set; }

    /// <summary>This incarnation of the silo; a restart must use a larger one. 0 takes the start time in milliseconds since the Unix epoch.</summary>
    public long Generation { get; set; }

    /// <summary>The largest frame sent or accepted, header included. A peer that sends a larger one is disconnected.</summary>
    public int MaxFrameSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Frames waiting to be written per connection; a sender waits (up to its deadline) while it is full, but no more than
    /// this many senders wait at once: the next one is turned away with <see cref="SiloOverloadedException"/> at once,
    /// so that a peer that cannot keep up does not pile up callers without end.
    /// </summary>
    public int OutgoingQueueCapacity { get; set; } = 8192;

    /// <summary>
    /// Requests this transport runs at once, at most. One more is answered at once with an Overloaded error (its caller
    /// gets <see cref="SiloOverloadedException"/>; nothing ran) instead of being queued: a silo offered more than it can
    /// serve sheds the excess and goes on answering — membership probes above all — instead of stalling until the others
    /// declare it dead. Once three quarters of the places are taken, a peer running its share (the limit over the peers
    /// connected) is turned away too, so that one flooding peer cannot take every place. System requests (targets
    /// starting with <c>$</c>: membership, reminder notices, stream news) and OneWay frames (stream news; nobody to tell)
    /// are never shed — grain one-way calls travel as requests and are.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 10_000;

    /// <summary>The deadline of a request that carries none.</summary>
    public TimeSpan DefaultRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often pending requests are checked against their deadlines; the precision of a timeout.</summary>
    public TimeSpan DeadlineCheckInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long opening a connection, handshake included, may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an accepted connection may stay silent before saying hello.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often an outgoing connection pings its silo.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A connection from which nothing (not even a ping or pong) arrived for this long is closed.</summary>
    public TimeSpan LivenessTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before retrying a silo that could not be reached; doubled on each failure up to <see cref="MaxReconnectBackoff"/>.</summary>
    public TimeSpan InitialReconnectBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxReconnectBackoff { get; set; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        static void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(name, value, $"SiloTransportOptions.{name} must be positive.");
            }
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(ClusterId);
        ArgumentNullException.ThrowIfNull(ListenEndpoint);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFrameSize, FrameCodec.HeaderLength + 1024, nameof(MaxFrameSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(OutgoingQueueCapacity, 1, nameof(OutgoingQueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentRequests, 1, nameof(MaxConcurrentRequests));
        ArgumentOutOfRangeException.ThrowIfNegative(Generation, nameof(Generation));
        Positive(DefaultRequestTimeout, nameof(DefaultRequestTimeout));
        Positive(DeadlineCheckInterval, nameof(DeadlineCheckInterval));
        Positive(ConnectTimeout, nameof(ConnectTimeout));
        Positive(HandshakeTimeout, nameof(HandshakeTimeout));
        Positive(PingInterval, nameof(PingInterval));
        Positive(LivenessTimeout, nameof(LivenessTimeout));
        Positive(InitialReconnectBackoff, nameof(InitialReconnectBackoff));
        Positive(MaxReconnectBackoff, nameof(MaxReconnectBackoff));
        if (LivenessTimeout <= PingInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(LivenessTimeout), LivenessTimeout, "SiloTransportOptions.LivenessTimeout must be longer than PingInterval.");
        }
    }
}
