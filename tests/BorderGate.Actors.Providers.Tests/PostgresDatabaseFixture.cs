using BorderGate.TestSupport;
using Xunit;

namespace BorderGate.Actors.Providers.Tests;

/// <summary>One fresh database per test class; tests keep apart by grain type.</summary>
public sealed class PostgresDatabaseFixture : IAsyncLifetime
{
    public PostgresTestDatabase Database { get; private set; } = null!;

    public async Task InitializeAsync() => Database = await PostgresTestDatabase.CreateAsync("providers");

    public async Task DisposeAsync() => await Database.DisposeAsync();
}
