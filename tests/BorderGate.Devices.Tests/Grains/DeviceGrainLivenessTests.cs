using System.Collections.Concurrent;
using BorderGate.Actors.Testing;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using BorderGate.Devices.Tests.Support;
using BorderGate.Grains.Devices;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Devices.Tests.Grains;

/// <summary>Device grains on a hand-driven clock, with an in-memory link instead of sockets.</summary>
public sealed class DeviceGrainLivenessTests : IAsyncLifetime
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private readonly OwnerProbe _owners = new();
    private readonly InMemoryLink _link = new();
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(b => b
            .UseFakeTime()
            .ConfigureRuntime(r => r.AddGrainAssembly(typeof(DeviceOwners).Assembly))
            .ConfigureServices(services =>
            {
                services.AddSingleton(_owners);
                services.AddDeviceGrains([TestSite.Layout]);
                services.AddSingleton<IDeviceOwnerResolver>(DeviceEndpointFixture.AllOwnersAreTestOwners());
                services.AddSingleton<IDeviceLink>(_link);
            }));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private IDeviceGrain Device(string id) => _cluster.GrainFactory.GetGrain<IDeviceGrain>(CrossingIds.Device(TestSite.CrossingId, id));

    [Fact]
    public async Task SilentDevice_PastStaleAfter_StaleOwnerToldAlarmRaised_BackOnlineOnHeartbeat()
    {
        var vehicle = Device("vc-1");
        _link.Connected["vc-1"] = true;
        await vehicle.OnConnectionChanged(true, _cluster.TimeProvider.GetUtcNow());

        _cluster.TimeProvider.Advance(TimeSpan.FromSeconds(10));
        await vehicle.OnHeartbeat(_cluster.TimeProvider.GetUtcNow());
        _cluster.TimeProvider.Advance(TimeSpan.FromSeconds(14));
        await Task.Delay(50);
        Assert.Equal(DeviceHealth.Online, (await vehicle.Status()).Health);

        for (var i = 0; i < 3; i++)
        {
            _cluster.TimeProvider.Advance(TimeSpan.FromSeconds(1));
        }

        await Wait.WaitUntil(async () => (await vehicle.Status()).Health == DeviceHealth.Stale, s_timeout, "stale");
        await Wait.WaitUntil(() => _owners.EventsOf("vc-1").Any(e => e.Name == DeviceEventNames.Stale && e.IsFault), s_timeout, "stale event");
        Assert.Equal(["test-crossing/agv-1"], _owners.OwnersOf("vc-1").Distinct());
        var alarms = await _cluster.EventLog.ReadAsync(DeviceAlarm.StreamFor(TestSite.CrossingId), 0, 100, CancellationToken.None);
        Assert.Single(alarms);
        Assert.Equal(CommandOutcome.Unavailable, (await vehicle.Execute(new DeviceCommand("c1", "drive", new Dictionary<string, string>()))).Outcome);
        Assert.Empty(_link.Sent);

        await vehicle.OnHeartbeat(_cluster.TimeProvider.GetUtcNow());
        Assert.Equal(DeviceHealth.Online, (await vehicle.Status()).Health);
        Assert.Equal(CommandOutcome.Acknowledged, (await vehicle.Execute(new DeviceCommand("c1", "drive", new Dictionary<string, string>()))).Outcome);
        await Wait.WaitUntil(() => _owners.EventsOf("vc-1").Any(e => e.Name == DeviceEventNames.Online), s_timeout, "online event");
    }

    [Fact]
    public async Task CommandOutcome_SurvivesRestart_RepeatedIdNotSentAgain()
    {
        _link.Connected["crc-1"] = true;
        var command = new DeviceCommand("job-7", "move", new Dictionary<string, string> { ["fromX"] = "1", ["toX"] = "2" });
        var first = await Device("crc-1").Execute(command);

        await _cluster.RestartAsync();
        var again = await Device("crc-1").Execute(command);

        Assert.Equal(first, again);
        Assert.Single(_link.Sent, c => c == "job-7");
    }

    [Fact]
    public async Task CommandOutcome_IsStoredByTheNextLivenessCheck_NotBeforeTheAnswer()
    {
        _link.Connected["crc-1"] = true;
        var storage = _cluster.Services.GetRequiredKeyedService<BorderGate.Actors.Storage.IGrainStorage>(BorderGate.Actors.Storage.ProviderNames.Default);
        var id = new BorderGate.Actors.GrainId("device", CrossingIds.Device(TestSite.CrossingId, "crc-1"));
        await Device("crc-1").Execute(new DeviceCommand("job-8", "move", new Dictionary<string, string> { ["fromX"] = "1", ["toX"] = "2" }));
        Assert.Null(await storage.ReadAsync("device", id, CancellationToken.None));

        _cluster.TimeProvider.Advance(TimeSpan.FromSeconds(1));
        await Wait.WaitUntil(
            async () => await storage.ReadAsync("device", id, CancellationToken.None) is { } stored && System.Text.Encoding.UTF8.GetString(stored.Json.Span).Contains("job-8", StringComparison.Ordinal),
            s_timeout,
            "the outcome stored");
    }

    [Fact]
    public async Task Fault_SurvivesRestartUntilCleared()
    {
        _link.Connected["bar-lane-1"] = true;
        await Device("bar-lane-1").OnFault("arm-jammed", "stuck", _cluster.TimeProvider.GetUtcNow());
        await Wait.WaitUntil(() => _owners.EventsOf("bar-lane-1").Any(e => e.Name == "arm-jammed"), s_timeout, "fault at the lane");

        await _cluster.RestartAsync();

        Assert.Equal(DeviceHealth.Faulted, (await Device("bar-lane-1").Status()).Health);
        await Device("bar-lane-1").ClearFault();
        Assert.Equal(DeviceHealth.Online, (await Device("bar-lane-1").Status()).Health);
    }

    [Fact]
    public void Registry_SiteLayout_OwnersByKind()
    {
        var registry = new SiteDeviceRegistry([TestSite.Layout]);

        Assert.Equal(new DeviceInfo("cam-entry", DeviceKind.PlateCamera, DeviceOwnerKind.Gate, "test-crossing"), registry.Find(TestSite.CrossingId, "cam-entry"));
        Assert.Equal(new DeviceInfo("wb-lane-2", DeviceKind.Weighbridge, DeviceOwnerKind.Lane, "test-crossing/lane-2"), registry.Find(TestSite.CrossingId, "wb-lane-2"));
        Assert.Equal(new DeviceInfo("crc-1", DeviceKind.CraneController, DeviceOwnerKind.Crane, "test-crossing/crane-1"), registry.Find(TestSite.CrossingId, "crc-1"));
        Assert.Equal(new DeviceInfo("vc-1", DeviceKind.VehicleController, DeviceOwnerKind.DriverlessTruck, "test-crossing/agv-1"), registry.Find(TestSite.CrossingId, "vc-1"));
        Assert.Null(registry.Find(TestSite.CrossingId, "nothing"));
        Assert.Equal(TimeSpan.FromSeconds(15), registry.StaleAfter(TestSite.CrossingId));
        Assert.Equal(21, TestSite.Layout.Devices().Count());
    }

    private sealed class InMemoryLink : IDeviceLink
    {
        public ConcurrentDictionary<string, bool> Connected { get; } = new();

        public ConcurrentQueue<string> Sent { get; } = new();

        public bool IsConnected(string deviceId) => Connected.GetValueOrDefault(deviceId);

        public Task<DeviceAck> SendAsync(string deviceId, DeviceCommand command, CancellationToken cancellationToken)
        {
            Sent.Enqueue(command.CommandId);
            return Task.FromResult(new DeviceAck(command.CommandId, true, null));
        }
    }
}
