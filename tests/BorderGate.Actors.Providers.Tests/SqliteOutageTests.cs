using System.Text;
using BorderGate.Actors.Sqlite;
using BorderGate.Actors.Storage;
using BorderGate.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace BorderGate.Actors.Providers.Tests;

/// <summary>SQLite failures (a file locked by another process, an unusable directory) surface as storage errors and lose nothing.</summary>
public sealed class SqliteOutageTests : IDisposable
{
    private static readonly GrainId s_grain = new("yard", "block-a");
    private readonly TempDirectory _directory = new("bordergate-sqlite-outage-");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Outage_FileLockedByAnotherProcess_WriteFailsAndPreviousValueKept()
    {
        await using var services = Build(_directory.Path);
        var storage = await StartAsync(services);
        var eTag = await storage.WriteAsync("state", s_grain, Encoding.UTF8.GetBytes("""{"free":12}"""), null, CancellationToken.None);

        using (var intruder = new SqliteConnection($"Data Source={Path.Combine(_directory.Path, "bordergate.db")};Pooling=false"))
        {
            intruder.Open();
            using var transaction = intruder.BeginTransaction(deferred: false);

            var failure = await Assert.ThrowsAsync<GrainStorageException>(
                () => storage.WriteAsync("state", s_grain, Encoding.UTF8.GetBytes("""{"free":11}"""), eTag, CancellationToken.None).AsTask());
            Assert.IsType<SqliteException>(failure.InnerException);
        }

        var record = await storage.ReadAsync("state", s_grain, CancellationToken.None);
        Assert.Equal(eTag, record!.ETag);
        await storage.WriteAsync("state", s_grain, Encoding.UTF8.GetBytes("""{"free":11}"""), eTag, CancellationToken.None);
    }

    [Fact]
    public async Task Outage_DataDirectoryUnusable_FailsWithStorageError()
    {
        var notADirectory = Path.Combine(_directory.Path, "occupied");
        await File.WriteAllTextAsync(notADirectory, "a file where the data directory should be");
        await using var services = Build(notADirectory);

        await Assert.ThrowsAsync<GrainStorageException>(() => services.GetRequiredService<IStorageInitializer>().InitializeAsync(CancellationToken.None));
        var storage = services.GetRequiredKeyedService<IGrainStorage>(ProviderNames.Default);
        await Assert.ThrowsAsync<GrainStorageException>(() => storage.ReadAsync("state", s_grain, CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<GrainStorageException>(
            () => storage.WriteAsync("state", s_grain, Encoding.UTF8.GetBytes("{}"), null, CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task Outage_DatabaseFileReplacedByDirectory_ReadsAndWritesFailWithStorageError()
    {
        await using var services = Build(_directory.Path);
        var storage = await StartAsync(services);
        var eTag = await storage.WriteAsync("state", s_grain, Encoding.UTF8.GetBytes("""{"free":12}"""), null, CancellationToken.None);
        await services.DisposeAsync();

        // Another provider on a path that cannot be opened as a database.
        var broken = Path.Combine(_directory.Path, "broken");
        Directory.CreateDirectory(Path.Combine(broken, "bordergate.db"));
        await using var brokenServices = Build(broken);
        var brokenStorage = brokenServices.GetRequiredKeyedService<IGrainStorage>(ProviderNames.Default);
        await Assert.ThrowsAsync<GrainStorageException>(() => brokenStorage.ReadAsync("state", s_grain, CancellationToken.None).AsTask());

        await using var reopened = Build(_directory.Path);
        Assert.Equal(eTag, (await (await StartAsync(reopened)).ReadAsync("state", s_grain, CancellationToken.None))!.ETag);
    }

    private static ServiceProvider Build(string directory) =>
        new ServiceCollection()
            .AddSqliteActorProviders(o =>
            {
                o.DataDirectory = directory;
                o.BusyTimeout = TimeSpan.FromMilliseconds(200);
            })
            .BuildServiceProvider();

    private static async Task<IGrainStorage> StartAsync(ServiceProvider services)
    {
        foreach (var initializer in services.GetServices<IStorageInitializer>())
        {
            await initializer.InitializeAsync(CancellationToken.None);
        }

        return services.GetRequiredKeyedService<IGrainStorage>(ProviderNames.Default);
    }
}
