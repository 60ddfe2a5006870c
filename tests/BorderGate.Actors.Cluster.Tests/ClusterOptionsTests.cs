using System.Net;

namespace BorderGate.Actors.Cluster.Tests;

/// <summary>The cluster's settings added for the client port and streams: a bad value is refused at start, naming the setting.</summary>
public sealed class ClusterOptionsTests
{
    public static TheoryData<string, Action<ClusterOptions>, string> BadSettings => new()
    {
        { "client port without its listener", o => o.AdvertisedClientEndpoint = new IPEndPoint(IPAddress.Loopback, 30000), "Cluster:AdvertisedClientEndpoint is set but Cluster:ClientEndpoint is not" },
        {
            "advertised client port with no port",
            o =>
            {
                o.ClientEndpoint = new IPEndPoint(IPAddress.Any, 30000);
                o.AdvertisedClientEndpoint = new IPEndPoint(IPAddress.Loopback, 0);
            },
            "Cluster:AdvertisedClientEndpoint must name a port"
        },
        { "client port on the silo port", o => o.ClientEndpoint = new IPEndPoint(IPAddress.Any, 11111), "must be different ports" },
        { "no stream catch-up", o => o.StreamCatchUpInterval = TimeSpan.Zero, "Cluster:StreamCatchUpInterval must be positive" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void BadSetting_IsRefused_NamingIt(string what, Action<ClusterOptions> spoil, string expected)
    {
        var options = new ClusterOptions { SiloEndpoint = new IPEndPoint(IPAddress.Loopback, 11111) };
        spoil(options);

        var error = Assert.ThrowsAny<ArgumentException>(options.Validate);

        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{what}: {error.Message}");
    }

    [Fact]
    public void ClientPort_BesideTheSiloPort_IsAccepted()
    {
        var options = new ClusterOptions
        {
            SiloEndpoint = new IPEndPoint(IPAddress.Any, 11111),
            ClientEndpoint = new IPEndPoint(IPAddress.Any, 30000),
            AdvertisedClientEndpoint = new IPEndPoint(IPAddress.Parse("10.0.0.7"), 30000),
        };

        options.Validate();
    }
}
