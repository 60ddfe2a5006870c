using System.Text;
using System.Text.Json.Nodes;
using BorderGate.Actors.Postgres;
using BorderGate.Actors.Storage;
using BorderGate.Actors.Streams;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace BorderGate.Actors.Providers.Tests;

/// <summary>PostgreSQL reached through a proxy that cuts the link: failures surface as storage errors and lose nothing.</summary>
public sealed class PostgresOutageTests(PostgresDatabaseFixture fixture) : IClassFixture<PostgresDatabaseFixture>
{
    private static readonly GrainId s_grain = new("gate", "huu-nghi");

    [Fact]
    public async Task Outage_CutLink_FailsWithStorageErrorAndKeepsPreviousValue()
    {
        var (host, port) = fixture.Database.Endpoint;
        await using var proxy = TcpFaultProxy.Start(host, port);
        var services = new ServiceCollection()
            .AddPostgresActorProviders(o => o.ConnectionString = fixture.Database.ConnectionStringVia("127.0.0.1", proxy.Port) + ";Timeout=5;Command Timeout=5")
            .BuildServiceProvider();
        await using var _ = services;
        foreach (var initializer in services.GetServices<IStorageInitializer>())
        {
            await initializer.InitializeAsync(CancellationToken.None);
        }

        var storage = services.GetRequiredKeyedService<IGrainStorage>(ProviderNames.Default);
        var events = services.GetRequiredService<IEventLog>();
        var stream = new StreamId("gate", "huu-nghi");
        var eTag = await storage.WriteAsync("state", s_grain, Encoding.UTF8.GetBytes("""{"lanesOpen":4}"""), null, CancellationToken.None);
        await events.AppendAsync(stream, "LaneOpened", Encoding.UTF8.GetBytes("{}"), DateTimeOffset.UnixEpoch, CancellationToken.None);

        proxy.Cut();

        await Assert.ThrowsAsync<GrainStorageException>(
            () => storage.WriteAsync("state", s_grain, Encoding.UTF8.GetBytes("""{"lanesOpen":6}"""), eTag, CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<GrainStorageException>(() => storage.ReadAsync("state", s_grain, CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<GrainStorageException>(
            () => events.AppendAsync(stream, "LaneOpened", Encoding.UTF8.GetBytes("{}"), DateTimeOffset.UnixEpoch, CancellationToken.None).AsTask());

        proxy.Restore();

        GrainStateRecord? record = null;
        await Wait.WaitUntil(
            async () => (record = await storage.ReadAsync("state", s_grain, CancellationToken.None)) is not null,
            TimeSpan.FromSeconds(15),
            "the state can be read again after the link is restored");
        Assert.Equal(eTag, record!.ETag);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"lanesOpen":4}"""), JsonNode.Parse(record.Json.Span)));
        Assert.Equal(1, await events.GetLastSequenceAsync(stream, CancellationToken.None));
        await storage.WriteAsync("state", s_grain, Encoding.UTF8.GetBytes("""{"lanesOpen":6}"""), eTag, CancellationToken.None);
        Assert.Equal(2, await events.AppendAsync(stream, "LaneOpened", Encoding.UTF8.GetBytes("{}"), DateTimeOffset.UnixEpoch, CancellationToken.None));
    }

    [Fact]
    public async Task Outage_ServerUnreachableAtStart_InitializationFailsWithStorageError()
    {
        var (host, port) = fixture.Database.Endpoint;
        await using var proxy = TcpFaultProxy.Start(host, port);
        proxy.Cut();
        await using var services = new ServiceCollection()
            .AddPostgresActorProviders(o => o.ConnectionString = fixture.Database.ConnectionStringVia("127.0.0.1", proxy.Port))
            .BuildServiceProvider();
        var initializer = services.GetRequiredService<IStorageInitializer>();

        await Assert.ThrowsAsync<GrainStorageException>(() => initializer.InitializeAsync(CancellationToken.None));
        await Assert.ThrowsAsync<GrainStorageException>(
            () => PostgresSchemaMigrator.MigrateAsync(fixture.Database.ConnectionStringVia("127.0.0.1", proxy.Port), null, CancellationToken.None));

        proxy.Restore();
        await initializer.InitializeAsync(CancellationToken.None);
    }
}
