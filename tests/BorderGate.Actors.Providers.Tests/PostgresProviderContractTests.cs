using BorderGate.Actors.Postgres;
using BorderGate.Actors.Storage;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace BorderGate.Actors.Providers.Tests;

public sealed class PostgresProviderContractTests(PostgresDatabaseFixture fixture) : DurableProviderContractTests, IClassFixture<PostgresDatabaseFixture>
{
    protected override void AddProviders(IServiceCollection services) =>
        services.AddPostgresActorProviders(o => o.ConnectionString = fixture.Database.ConnectionString);

    protected override int ScriptCount => SchemaScripts.Load(typeof(PostgresSchemaMigrator).Assembly, "BorderGate.Actors.Postgres.Sql.").Count;

    protected override async Task<long> CountAppliedScriptsAsync()
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM schema_version;", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Migration_SeveralSilosAtOnce_AppliesEachScriptOnce()
    {
        await using var fresh = await PostgresTestDatabase.CreateAsync("migrate");

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            PostgresSchemaMigrator.MigrateAsync(fresh.ConnectionString, null, CancellationToken.None)));

        await using var connection = new NpgsqlConnection(fresh.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM schema_version;", connection);
        Assert.Equal((long)ScriptCount, await command.ExecuteScalarAsync());
    }
}
