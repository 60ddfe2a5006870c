using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using BorderGate.Contracts.Auth;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BorderGate.Silo.Tests;

/// <summary>The silo host as one of a cluster: its settings checked at start, and two hosts serving one crossing.</summary>
public sealed class ClusterHostTests
{
    [Theory]
    [InlineData("Sqlite", "SiloPort", "11111", "needs BorderGate:Storage = Postgres")]
    [InlineData("Postgres", "SiloPort", "70000", "BorderGate:Cluster:SiloPort 70000 is not a port")]
    [InlineData("Postgres", "ClientPort", "70000", "BorderGate:Cluster:ClientPort 70000 is not a port")]
    [InlineData("Postgres", "ClientPort", "11111", "must be different ports")]
    [InlineData("Postgres", "ListenAddress", "silo-one", "BorderGate:Cluster:ListenAddress 'silo-one' is not an IP address")]
    [InlineData("Postgres", "ListenAddress", "0.0.0.0", "set BorderGate:Cluster:AdvertisedHost")]
    [InlineData("Postgres", "LeaseDuration", "00:00:01.5", "BorderGate:Cluster:LeaseDuration must be at least twice LeaseRenewal")]
    [InlineData("Postgres", "ClusterId", " ", "BorderGate:Cluster:ClusterId must be set")]
    [InlineData("Postgres", "MaxConcurrentCalls", "0", "BorderGate:Cluster:MaxConcurrentCalls must be at least 1")]
    [InlineData("Postgres", "AdvertisedHost", "no-such-host.invalid", "BorderGate:Cluster:AdvertisedHost 'no-such-host.invalid' cannot be resolved")]
    public async Task BadClusterSettings_RefuseToStart_NamingTheSetting(string storage, string setting, string value, string expected)
    {
        await using var silo = new SiloFactory(new Dictionary<string, string?>
        {
            ["BorderGate:Storage"] = storage,
            ["BorderGate:PostgresConnectionString"] = "Host=127.0.0.1;Port=1;Username=nobody;Database=nothing",
            ["BorderGate:Cluster:Enabled"] = "true",
            [$"BorderGate:Cluster:{setting}"] = value,
        });

        var error = silo.StartFailure();

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Two silo hosts of one cluster, each with its client port open and written in the table for cluster clients: a trip
    /// declared through one is read through the other (its truck lives on the first).
    /// </summary>
    [Fact]
    public async Task TwoSiloHosts_ServeOneCrossing_ATruckDeclaredOnOneIsReadOnTheOther()
    {
        await using var database = await PostgresTestDatabase.CreateAsync("silo_cluster");
        var firstSettings = ClusterSettings(database.ConnectionString, FreePort());
        var secondSettings = ClusterSettings(database.ConnectionString, FreePort());
        await using var first = new SiloFactory(firstSettings);
        await using var second = new SiloFactory(secondSettings);
        using var one = first.CreateCompanyClient();
        using var two = second.CreateSupervisorClient();
        Assert.Equal("Healthy", await one.GetStringAsync(new Uri("/health", UriKind.Relative)));
        Assert.Equal("Healthy", await two.GetStringAsync(new Uri("/health", UriKind.Relative)));
        Assert.Equal(2, await ActiveSilosAsync(database.ConnectionString));
        Assert.Equal(
            new[] { firstSettings["BorderGate:Cluster:ClientPort"], secondSettings["BorderGate:Cluster:ClientPort"] }.Order(),
            await ClientPortsAsync(database.ConnectionString));

        var declared = await one.PostAsJsonAsync("/api/trips", TestDeclarations.Declaration("29C-777.01"));
        Assert.Equal(HttpStatusCode.Created, declared.StatusCode);

        var truck = await two.GetAsync(new Uri("/api/trucks/29C77701", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, truck.StatusCode);
        Assert.Contains("CSQU3054383", await truck.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await DirectoryRowsAsync(database.ConnectionString, "truck", "29C77701"));
    }

    /// <summary>
    /// The control room's hub on one silo host follows the crossing as grains on the other change it: a trip declared
    /// through the first (its truck lives there, placed on its caller's silo) reaches a hub client of the second within
    /// seconds (the feed's news crosses silos; the stream tests show it does without the log's periodic catch-up).
    /// </summary>
    [Fact]
    public async Task HubOnOneSiloHost_SeesTheChangesOfGrainsOnTheOther()
    {
        await using var database = await PostgresTestDatabase.CreateAsync("silo_cluster_hub");
        await using var first = new KestrelSilo(ClusterSettings(database.ConnectionString, FreePort()));
        await using var second = new KestrelSilo(ClusterSettings(database.ConnectionString, FreePort()));
        await Wait.WaitUntil(async () => await ActiveSilosAsync(database.ConnectionString) == 2, TimeSpan.FromSeconds(10), "two silos active");

        // The first silo tells only the silos it has read in the membership table of an event: it must know the second.
        await Wait.WaitUntil(async () => (await first.Http.GetStringAsync(new Uri("/", UriKind.Relative))).Contains("cluster-silos=2", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the first silo sees the second");
        await using var hub = await HubTestClient.ConnectAsync(new Uri(second.BaseAddress, BorderGate.Contracts.Live.CrossingHubRoutes.Path), await second.OperatorTokenAsync());
        await hub.InvokeAsync(BorderGate.Contracts.Live.CrossingHubRoutes.Follow, [null]);
        Assert.Equal("Snapshot", (await hub.NextAsync(TimeSpan.FromSeconds(15), "Snapshot")).Target);

        var declared = await first.Company().PostAsJsonAsync("/api/trips", TestDeclarations.Declaration("29C-888.02"));
        Assert.Equal(HttpStatusCode.Created, declared.StatusCode);
        var change = await hub.NextItemAsync(TimeSpan.FromSeconds(4), "Changed");

        Assert.Equal("29C88802", change.GetProperty("event").GetProperty("plate").GetString());
        Assert.Equal("booked", change.GetProperty("event").GetProperty("event").GetString());
        Assert.Equal(1, await DirectoryRowsAsync(database.ConnectionString, "truck", "29C88802"));
    }

    /// <summary>
    /// The allowance of failed sign-ins is the cluster's: guesses spread over two silo hosts are counted together (a cluster
    /// of N silos does not allow N times the guesses), and once over it the right password is refused on both until the
    /// minute ends; other kinds of sign-in from the address go on.
    /// </summary>
    [Fact]
    public async Task FailedSignInsOnTwoSiloHosts_CountAgainstOneAllowance()
    {
        await using var cluster = await TwoSigningInHostsAsync("silo_cluster_sign_in", "BorderGate:Auth:FailedSignInsPerMinute", "3");
        var (database, first, second) = (cluster.Database, cluster.First, cluster.Second);

        async Task<HttpStatusCode> SignInAsync(KestrelSilo silo, string password)
        {
            using var response = await silo.Anonymous.PostAsJsonAsync(SignInRoutes.Operator, new OperatorSignIn(DevelopmentCredentials.OperatorName, password));
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(first, "guess 1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(second, "guess 2"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(first, "guess 3"));

        // Each silo alone has seen at most two failures: only the cluster's count is over three.
        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInAsync(second, TestAuth.Secret));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInAsync(first, TestAuth.Secret));
        using var company = await second.Anonymous.PostAsJsonAsync(SignInRoutes.Company, new CompanySignIn(TestDeclarations.Company, TestAuth.CompanyKey(TestDeclarations.Company)));
        Assert.Equal(HttpStatusCode.OK, company.StatusCode);
        Assert.Equal(1, await DirectoryRowsAsync(database.ConnectionString, "signinallowance", "operator|127.0.0.1"));
    }

    /// <summary>
    /// The silo host that keeps an address's allowance dies (killed: port closed, nothing said): until the cluster has
    /// declared it dead, the other host cannot count that address's attempts and answers 503 with Retry-After instead of
    /// checking the password uncounted; once it is declared dead the allowance starts again on the survivor, no hand needed.
    /// </summary>
    [Fact]
    public async Task SignIn_WhileTheAllowancesSiloIsDying_Answers503_ThenWorksOnTheSurvivor()
    {
        // Calls to a silo that cannot be reached give up before the cluster's verdict (which takes ~1–2 s).
        await using var cluster = await TwoSigningInHostsAsync("silo_cluster_sign_in_dead", "BorderGate:Cluster:RerouteWait", "00:00:00.2");
        var (database, first, second) = (cluster.Database, cluster.First, cluster.Second);
        using (var wrong = await first.Anonymous.PostAsJsonAsync(SignInRoutes.Operator, new OperatorSignIn(DevelopmentCredentials.OperatorName, "guess")))
        {
            // The allowance of 127.0.0.1's operator sign-ins is now active on the first silo.
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        await first.Services.GetRequiredService<BorderGate.Actors.Hosting.ActorRuntime>().Cluster!.CrashAsync();

        using var unavailable = await second.Anonymous.PostAsJsonAsync(SignInRoutes.Operator, new OperatorSignIn(DevelopmentCredentials.OperatorName, TestAuth.Secret));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), unavailable.Headers.RetryAfter?.Delta);
        Assert.Contains("Sign-in cannot be checked just now", await unavailable.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await Wait.WaitUntil(
            async () =>
            {
                using var again = await second.Anonymous.PostAsJsonAsync(SignInRoutes.Operator, new OperatorSignIn(DevelopmentCredentials.OperatorName, TestAuth.Secret));
                return again.StatusCode == HttpStatusCode.OK;
            },
            TimeSpan.FromSeconds(15),
            "sign-in works on the survivor once the dead silo is declared dead");
    }

    /// <summary>
    /// A truck whose silo host dies (killed: port closed, nothing said) is read through the other host: until the cluster
    /// has declared the dead one dead, the answer is 503 with Retry-After as problem details (a moment's unavailability, not
    /// a broken request); then the survivor serves the truck from storage, no hand needed.
    /// </summary>
    [Fact]
    public async Task TruckOnADyingSiloHost_Answers503WithRetryAfter_ThenTheSurvivorServesIt()
    {
        await using var cluster = await TwoSigningInHostsAsync("silo_cluster_truck_dead", "BorderGate:Cluster:RerouteWait", "00:00:00.2");
        var (database, first, second) = (cluster.Database, cluster.First, cluster.Second);
        using (var declared = await first.Company().PostAsJsonAsync("/api/trips", TestDeclarations.Declaration("29C-777.02")))
        {
            Assert.Equal(HttpStatusCode.Created, declared.StatusCode);
        }

        using (var before = await second.Http.GetAsync(new Uri("/api/trucks/29C77702", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await first.Services.GetRequiredService<BorderGate.Actors.Hosting.ActorRuntime>().Cluster!.CrashAsync();

        using var unavailable = await second.Http.GetAsync(new Uri("/api/trucks/29C77702", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), unavailable.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", unavailable.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Briefly unavailable", await unavailable.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await Wait.WaitUntil(
            async () =>
            {
                using var again = await second.Http.GetAsync(new Uri("/api/trucks/29C77702", UriKind.Relative));
                return again.StatusCode == HttpStatusCode.OK && (await again.Content.ReadAsStringAsync()).Contains("CSQU3054383", StringComparison.Ordinal);
            },
            TimeSpan.FromSeconds(15),
            "the truck is read on the survivor once the dead silo is declared dead");
    }

    /// <summary>Two silo hosts of a cluster on a database of their own, both active, with the development accounts and one setting more.</summary>
    private static async Task<TwoHosts> TwoSigningInHostsAsync(string databaseName, string setting, string value)
    {
        var database = await PostgresTestDatabase.CreateAsync(databaseName);
        var first = new KestrelSilo(SigningInSettings(database.ConnectionString, setting, value));
        var second = new KestrelSilo(SigningInSettings(database.ConnectionString, setting, value));
        var hosts = new TwoHosts(database, first, second);
        try
        {
            await Wait.WaitUntil(async () => await ActiveSilosAsync(database.ConnectionString) == 2, TimeSpan.FromSeconds(10), "two silos active");
        }
        catch
        {
            await hosts.DisposeAsync();
            throw;
        }

        return hosts;
    }

    private sealed record TwoHosts(PostgresTestDatabase Database, KestrelSilo First, KestrelSilo Second) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await First.DisposeAsync();
            await Second.DisposeAsync();
            await Database.DisposeAsync();
        }
    }

    /// <summary>A silo host of the test cluster with the development accounts (which setting auth keys would turn off) and one setting more.</summary>
    private static Dictionary<string, string?> SigningInSettings(string connectionString, string setting, string value)
    {
        var settings = ClusterSettings(connectionString, FreePort());
        settings[DevelopmentCredentials.SecretKey] = TestAuth.Secret;
        settings[setting] = value;
        return settings;
    }

    private static Dictionary<string, string?> ClusterSettings(string connectionString, int siloPort) => new()
    {
        ["BorderGate:Storage"] = "Postgres",
        ["BorderGate:PostgresConnectionString"] = connectionString,
        ["BorderGate:Cluster:Enabled"] = "true",
        ["BorderGate:Cluster:ClusterId"] = "silo-host-tests",
        ["BorderGate:Cluster:SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["BorderGate:Cluster:ClientPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<long> ActiveSilosAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM membership_silos WHERE cluster_id = 'silo-host-tests' AND status = 2;", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The client ports the active silos wrote in the table for cluster clients to call on, in order.</summary>
    private static async Task<List<string?>> ClientPortsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT client_address FROM membership_silos WHERE cluster_id = 'silo-host-tests' AND status = 2;", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ports = new List<string?>();
        while (await reader.ReadAsync())
        {
            ports.Add(reader.IsDBNull(0) ? null : reader.GetString(0).Split(':')[^1]);
        }

        return [.. ports.Order()];
    }

    private static async Task<long> DirectoryRowsAsync(string connectionString, string type, string key)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM grain_directory WHERE grain_type = $1 AND grain_key = $2;", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = type });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
