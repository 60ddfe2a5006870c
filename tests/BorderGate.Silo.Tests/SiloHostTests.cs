using System.Diagnostics;
using System.Net;
using BorderGate.TestSupport;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BorderGate.Silo.Tests;

public sealed class SiloHostTests
{
    /// <summary>
    /// The silo's runtime settings that its latency figures rest on (docs/benchmarks.md, live; the live benchmark runs under
    /// the same): server GC without .NET's dynamic adaptation of the heaps, and thread pool workers that do not spin.
    /// </summary>
    [Fact]
    public void RuntimeSettings_ServerGcWithoutDynamicAdaptation_WorkersThatDoNotSpin()
    {
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "BorderGate.Silo.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.Equal(0, properties.GetProperty("System.GC.DynamicAdaptationMode").GetInt32());
        Assert.Equal(0, properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
        Assert.False(properties.TryGetProperty("System.GC.Concurrent", out var concurrent) && !concurrent.GetBoolean());
    }

    [Fact]
    public async Task Health_OnEmbeddedSqlite_IsHealthy_AndTheDatabaseFileExists()
    {
        using var data = new TempDirectory();
        await using var silo = new SiloFactory(new Dictionary<string, string?> { ["BorderGate:DataDirectory"] = data.Path });
        using var client = silo.CreateClient();

        var response = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        Assert.True(File.Exists(Path.Combine(data.Path, "bordergate.db")), "the SQLite database is created under the data directory");
    }

    [Fact]
    public async Task UpPage_SaysTheSiloIsUp_WithItsStorage()
    {
        using var data = new TempDirectory();
        await using var silo = new SiloFactory(new Dictionary<string, string?> { ["BorderGate:DataDirectory"] = data.Path });
        using var client = silo.CreateClient();

        var response = await client.GetAsync(new Uri("/", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("BorderGate silo is up", html, StringComparison.Ordinal);
        Assert.Contains("Sqlite", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alive_AnswersWithoutChecks()
    {
        await using var silo = new SiloFactory(new Dictionary<string, string?> { ["BorderGate:Storage"] = "Memory" });
        using var client = silo.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/alive", UriKind.Relative))).StatusCode);
    }

    /// <summary>The control room's batch window: zero to a second, else the silo does not start, naming the setting.</summary>
    [Theory]
    [InlineData("-00:00:00.010")]
    [InlineData("00:00:05")]
    public async Task BadChangeBatchWindow_RefusesToStart_WithClearMessage(string window)
    {
        await using var silo = new SiloFactory(new Dictionary<string, string?> { ["BorderGate:Storage"] = "Memory", ["BorderGate:Live:ChangeBatchWindow"] = window });
        var error = silo.StartFailure();
        Assert.Contains("BorderGate:Live:ChangeBatchWindow must be between 0 and 1 second", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Oracle", "BorderGate:Storage is 'Oracle'")]
    [InlineData("Postgres", "BorderGate:PostgresConnectionString is empty")]
    public async Task BadStorageConfiguration_RefusesToStart_WithClearMessage(string storage, string expected)
    {
        await using var silo = new SiloFactory(new Dictionary<string, string?> { ["BorderGate:Storage"] = storage });
        var error = silo.StartFailure();
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgres_StartsHealthy_AndAppliesTheSchema()
    {
        await using var database = await PostgresTestDatabase.CreateAsync("silo");
        await using (var silo = new SiloFactory(new Dictionary<string, string?>
        {
            ["BorderGate:Storage"] = "Postgres",
            ["BorderGate:PostgresConnectionString"] = database.ConnectionString,
        }))
        {
            using var client = silo.CreateClient();
            Assert.Equal("Healthy", await client.GetStringAsync(new Uri("/health", UriKind.Relative)));
        }

        Assert.True(await SchemaVersionAsync(database.ConnectionString) >= 1);
    }

    [Fact]
    public async Task MigrateCommand_AppliesTheSchema_AndExits()
    {
        await using var database = await PostgresTestDatabase.CreateAsync("migrate");
        var siloDll = Path.Combine(AppContext.BaseDirectory, "BorderGate.Silo.dll");
        var start = new ProcessStartInfo("dotnet", [siloDll, "migrate"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["BorderGate__Storage"] = "Postgres";
        start.Environment["BorderGate__PostgresConnectionString"] = database.ConnectionString;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(process.ExitCode == 0, $"migrate exited {process.ExitCode}: {await output} {await errors}");
        Assert.Contains("Storage schema is up to date", await output, StringComparison.Ordinal);
        Assert.True(await SchemaVersionAsync(database.ConnectionString) >= 1);
    }

    private static async Task<int> SchemaVersionAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM schema_version", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
