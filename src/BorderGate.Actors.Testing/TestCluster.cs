using BorderGate.Actors.Hosting;
using BorderGate.Actors.Memory;
using BorderGate.Actors.Reminders;
using BorderGate.Actors.Storage;
using BorderGate.Actors.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace BorderGate.Actors.Testing;

/// <summary>
/// An in-process silo for grain tests, shaped like Orleans' TestingHost: start it, get grains from
/// <see cref="GrainFactory"/>, drive time with <see cref="TimeProvider"/>, restart the silo to test what
/// survives a process restart.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly TestClusterBuilder _builder;
    private readonly MemoryGrainStorage _memoryStorage = new();
    private readonly MemoryReminderTable _memoryReminders = new();
    private readonly MemoryEventLog _memoryEvents = new();
    private ServiceProvider? _services;

    private TestCluster(TestClusterBuilder builder) => _builder = builder;

    /// <summary>The silo's runtime.</summary>
    public ActorRuntime Runtime { get; private set; } = null!;

    public IGrainFactory GrainFactory => Runtime.GrainFactory;

    public IServiceProvider Services => _services ?? throw new InvalidOperationException("The test cluster is not running.");

    /// <summary>The hand-driven clock, when the builder asked for one with <see cref="TestClusterBuilder.UseFakeTime"/>.</summary>
    public FakeTimeProvider TimeProvider => _builder.FakeTime ?? throw new InvalidOperationException("This test cluster runs on real time; call UseFakeTime() on its builder.");

    /// <summary>The in-memory event log (when the cluster uses in-memory storage).</summary>
    public IEventLog EventLog => Services.GetRequiredService<IEventLog>();

    public static async Task<TestCluster> StartAsync(Action<TestClusterBuilder>? configure = null)
    {
        var builder = new TestClusterBuilder();
        configure?.Invoke(builder);
        var cluster = new TestCluster(builder);
        await cluster.StartSiloAsync().ConfigureAwait(false);
        return cluster;
    }

    /// <summary>Stops the silo (every activation deactivates) and starts a new one on the same storage.</summary>
    public async Task RestartAsync()
    {
        await StopSiloAsync().ConfigureAwait(false);
        await StartSiloAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopSiloAsync().ConfigureAwait(false);

    private async Task StartSiloAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        if (_builder.FakeTime is not null)
        {
            services.AddSingleton<TimeProvider>(_builder.FakeTime);
        }

        if (!_builder.UsesOwnStorage)
        {
            services.AddKeyedSingleton<IGrainStorage>(ProviderNames.Default, _memoryStorage);
            services.AddSingleton<IReminderTable>(_memoryReminders);
            services.AddSingleton<IEventLog>(_memoryEvents);
        }

        foreach (var configureServices in _builder.ServiceConfigurations)
        {
            configureServices(services);
        }

        services.AddActorRuntime(runtime =>
        {
            foreach (var configureRuntime in _builder.RuntimeConfigurations)
            {
                configureRuntime(runtime);
            }
        });

        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Runtime = _services.GetRequiredService<ActorRuntime>();
        await Runtime.StartAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task StopSiloAsync()
    {
        if (_services is null)
        {
            return;
        }

        // As a host's shutdown timeout would: a grain left hanging by a test does not hold the stop forever.
        using (var stopTimeout = new CancellationTokenSource(_builder.StopTimeout))
        {
            await Runtime.StopAsync(stopTimeout.Token).ConfigureAwait(false);
        }

        await _services.DisposeAsync().ConfigureAwait(false);
        _services = null;
    }
}
