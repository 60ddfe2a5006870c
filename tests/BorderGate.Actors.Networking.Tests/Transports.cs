using System.Net;
using System.Text;
using BorderGate.Actors.Networking;

namespace BorderGate.Actors.Networking.Tests;

/// <summary>Starts transports on free loopback ports, and the frames the tests send.</summary>
internal static class Transports
{
    public const string ClusterId = "test-cluster";

    public static SiloTransportOptions Options(int port = 0, long generation = 0, Action<SiloTransportOptions>? configure = null)
    {
        var options = new SiloTransportOptions
        {
            ClusterId = ClusterId,
            ListenEndpoint = new IPEndPoint(IPAddress.Loopback, port),
            Generation = generation == 0 ? Interlocked.Increment(ref s_generation) : generation,
            DefaultRequestTimeout = TimeSpan.FromSeconds(20),
        };
        configure?.Invoke(options);
        return options;
    }

    public static SiloTransport Start(IncomingRequestHandler? handler = null, int port = 0, long generation = 0, TimeProvider? time = null, Action<SiloTransportOptions>? configure = null)
    {
        var transport = new SiloTransport(Options(port, generation, configure), handler ?? Echo, time);
        transport.Start();
        return transport;
    }

    /// <summary>Answers every request with its own payload.</summary>
    public static readonly IncomingRequestHandler Echo = static (frame, _) => ValueTask.FromResult<Frame?>(Frame.ResponseTo(frame, frame.Payload));

    public static Frame Request(string text, long deadlineUtcTicks = 0) =>
        Frame.Request("lane", "huu-nghi/lane-3", "ILaneGrain.Ping(String)", Encoding.UTF8.GetBytes(text), deadlineUtcTicks);

    public static string Text(Frame frame) => Encoding.UTF8.GetString(frame.Payload.Span);

    private static long s_generation = 1_000;
}
