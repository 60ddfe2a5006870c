using BorderGate.Actors;
using BorderGate.Actors.Testing;
using BorderGate.Contracts.Devices;
using BorderGate.Devices.Endpoint;
using BorderGate.Devices.Keys;
using BorderGate.Devices.Simulation;
using BorderGate.Grains;
using BorderGate.Grains.Devices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BorderGate.Devices.Tests.Support;

/// <summary>
/// A real Kestrel device endpoint on a loopback port and a test cluster whose device grains send through
/// it, shared by a test class; tests use distinct devices of <see cref="TestSite"/>.
/// </summary>
public sealed class DeviceEndpointFixture : IAsyncLifetime
{
    public const string SharedSecret = "test-only-shared-secret";

    private WebApplication? _app;

    public TestCluster Cluster { get; private set; } = null!;

    public OwnerProbe Owners { get; } = new();

    public DeviceConnectionHub Hub => _app!.Services.GetRequiredService<DeviceConnectionHub>();

    public Uri DeviceUri { get; private set; } = null!;

    public MetricRecorder EndpointMetrics { get; private set; } = null!;

    public MetricRecorder GrainMetrics { get; } = new(meter => meter.Name == Diagnostics.MeterName);

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        Cluster = await TestCluster.StartAsync(b => b
            .ConfigureRuntime(r => r.AddGrainAssembly(typeof(DeviceOwners).Assembly))
            .ConfigureServices(services =>
            {
                services.AddSingleton(Owners);
                services.AddDeviceGrains([TestSite.Layout], o =>
                {
                    // Short enough for the retry tests, long enough that a first round trip on a loaded CI machine (JIT,
                    // parallel test assemblies) is not taken for a lost ack: 400 ms once retried a healthy command.
                    o.AckTimeout = TimeSpan.FromMilliseconds(1500);
                    o.MaxRetries = 2;
                    o.RetryBaseDelay = TimeSpan.FromMilliseconds(50);
                    o.LivenessCheckInterval = TimeSpan.FromMilliseconds(200);
                });
                services.AddSingleton<IDeviceOwnerResolver>(AllOwnersAreTestOwners());

                // The endpoint starts after the cluster; grains resolve the link on activation.
                services.AddSingleton<IDeviceLink>(_ => Hub);
            }));

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration[DevelopmentDeviceKeys.SharedSecretKey] = SharedSecret;
        builder.Services.AddSingleton(Cluster.GrainFactory);
        builder.Services.AddDeviceEndpoint(TestSite.Layout, o => o.HeartbeatInterval = TimeSpan.FromSeconds(1));
        _app = builder.Build();
        var meterFactory = _app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        EndpointMetrics = new MetricRecorder(meter => meter.Scope == meterFactory && meter.Name == DeviceEndpointMetrics.MeterName);
        _app.MapDeviceEndpoint();
        await _app.StartAsync();
        var address = new Uri(_app.Urls.First());
        DeviceUri = new Uri($"ws://{address.Host}:{address.Port}{Protocol.DeviceProtocol.Path}");
    }

    public static DeviceOwners AllOwnersAreTestOwners() => new DeviceOwners()
        .Map<ITestOwnerGrain>(DeviceOwnerKind.Gate)
        .Map<ITestOwnerGrain>(DeviceOwnerKind.Lane)
        .Map<ITestOwnerGrain>(DeviceOwnerKind.Crane)
        .Map<ITestOwnerGrain>(DeviceOwnerKind.DriverlessTruck);

    public static byte[] KeyOf(string deviceId) => DevelopmentDeviceKeys.Derive(SharedSecret, deviceId);

    public IDeviceGrain Device(string deviceId) => Grains.GetGrain<IDeviceGrain>(Contracts.Site.CrossingIds.Device(TestSite.CrossingId, deviceId));

    public async Task<T> ConnectAsync<T>(T device)
        where T : SimulatedDevice
    {
        await device.ConnectAsync(DeviceUri);
        await TestSupport.Wait.WaitUntil(
            async () => (await Device(device.DeviceId).Status()).Health == DeviceHealth.Online,
            TimeSpan.FromSeconds(10),
            $"{device.DeviceId} online");
        return device;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await Cluster.DisposeAsync();
        EndpointMetrics?.Dispose();
        GrainMetrics.Dispose();
    }
}
