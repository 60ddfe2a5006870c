using BorderGate.Actors.Storage;
using BorderGate.Actors.Sqlite;
using BorderGate.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Actors.Providers.Tests;

public sealed class SqliteProviderContractTests : DurableProviderContractTests
{
    private readonly TempDirectory _directory = new("bordergate-sqlite-");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }

    protected override void AddProviders(IServiceCollection services) =>
        services.AddSqliteActorProviders(o => o.DataDirectory = Path.Combine(_directory.Path, "data"));

    [Xunit.Fact]
    public void Database_IsInWriteAheadLogMode()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory.Path, "data", "bordergate.db")};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Xunit.Assert.Equal("wal", command.ExecuteScalar());
    }

    protected override int ScriptCount => SchemaScripts.Load(typeof(SqliteSchemaMigrator).Assembly, "BorderGate.Actors.Sqlite.Sql.").Count;

    protected override Task<long> CountAppliedScriptsAsync()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory.Path, "data", "bordergate.db")};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM schema_version;";
        return Task.FromResult((long)command.ExecuteScalar()!);
    }
}
