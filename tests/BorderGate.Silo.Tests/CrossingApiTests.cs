using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using BorderGate.TestSupport;

namespace BorderGate.Silo.Tests;

/// <summary>The crossing's HTTP API on the real host (embedded SQLite, the Huu Nghi layout).</summary>
public sealed class CrossingApiTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private readonly TempDirectory _data = new();
    private SiloFactory _silo = null!;
    private HttpClient _client = null!;
    private readonly Dictionary<string, HttpClient> _companies = new(StringComparer.Ordinal);

    public Task InitializeAsync()
    {
        _silo = new SiloFactory(new Dictionary<string, string?> { ["BorderGate:DataDirectory"] = _data.Path });
        _client = _silo.CreateSupervisorClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        foreach (var company in _companies.Values)
        {
            company.Dispose();
        }

        await _silo.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task InvalidDeclaration_AnswersWithFieldErrors_AndTheCompanySeesTheAlerts()
    {
        var response = await Company("bad-co").PostAsJsonAsync("/api/trips", TestDeclarations.Declaration("29C-123.4X", container: "CSQU3054384", company: "bad-co"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("truckPlate", body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("container.check_digit", body, StringComparison.Ordinal);

        var alerts = await _client.GetFromJsonAsync<JsonElement>("/api/companies/bad-co/alerts");
        Assert.True(alerts.GetArrayLength() >= 2);
        Assert.Contains(alerts.EnumerateArray(), a => a.GetProperty("code").GetString() == "container.check_digit");
    }

    [Theory]
    [InlineData("{\"companyId\": \"c\", \"truckPlate\": ")]
    [InlineData("{\"companyId\": \"c\", \"truckPlate\": \"29C12345\", \"cargoKind\": \"Banana\"}")]
    [InlineData("[1, 2, 3]")]
    public async Task MalformedDeclarationBody_IsRejected_AndNothingIsBooked(string body)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var response = await Company().PostAsync(new Uri("/api/trips", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(new Uri("/api/trucks/29C12345", UriKind.Relative))).StatusCode);
        var kpis = await _client.GetFromJsonAsync<JsonElement>("/api/crossing/kpis", s_json);
        Assert.Equal(0, kpis.GetProperty("trucksByStatus").GetProperty("Booked").GetInt32());
    }

    [Fact]
    public async Task ValidDeclaration_IsBooked_ThenArrivalCallsTheTruckToALane_DriverSeesIt()
    {
        var created = await Company().PostAsJsonAsync("/api/trips", TestDeclarations.Declaration("29C-123.45"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var trip = await created.Content.ReadFromJsonAsync<JsonElement>(s_json);
        Assert.Equal("29C12345", trip.GetProperty("plate").GetString());

        var booked = await _client.GetFromJsonAsync<JsonElement>("/api/trucks/29C-123.45/status", s_json);
        Assert.Equal("Booked", booked.GetProperty("status").GetString());
        Assert.Equal("come-in-window", booked.GetProperty("nextStepCode").GetString());

        var second = await Company().PostAsJsonAsync("/api/trips", TestDeclarations.Declaration("29C12345"));
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);

        var arrival = await _client.PostAsJsonAsync("/api/crossing/arrivals", new { plate = "29C12345" });
        Assert.True((await arrival.Content.ReadFromJsonAsync<JsonElement>(s_json)).GetProperty("admitted").GetBoolean());

        // The lane calls its truck forward a moment after the gate gave it the truck.
        var called = await CalledAsync("29C12345");
        Assert.StartsWith("lane-", called.GetProperty("laneId").GetString(), StringComparison.Ordinal);

        var crossing = await _client.GetFromJsonAsync<JsonElement>("/api/crossing", s_json);
        Assert.Contains(crossing.GetProperty("lanes").EnumerateArray(), l => l.GetProperty("plate").GetString() == "29C12345");
        var trips = await _client.GetFromJsonAsync<JsonElement>("/api/companies/vn-fruit-co/trips", s_json);
        Assert.Equal("29C12345", trips[0].GetProperty("plate").GetString());
    }

    [Fact]
    public async Task ChinesePlate_IsDeclaredAndFoundByItsCharacters()
    {
        var created = await Company("cn-co").PostAsJsonAsync("/api/trips", TestDeclarations.Declaration("桂A·12345", container: "MSKU9070323", company: "cn-co"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/trucks/%E6%A1%82A12345", created.Headers.Location!.OriginalString);
        var status = await _client.GetFromJsonAsync<JsonElement>(created.Headers.Location + "/status", s_json);
        Assert.Equal("桂A12345", status.GetProperty("plate").GetString());
    }

    [Fact]
    public async Task UnknownTruckOrLane_ClearErrors()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(new Uri("/api/trucks/51D99999/status", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsJsonAsync("/api/crossing/lanes/lane-99/close", new { reason = "x" })).StatusCode);
        var hold = await _client.PostAsJsonAsync("/api/crossing/trucks/51D99999/hold", new { reason = "x" });
        Assert.Equal(HttpStatusCode.Conflict, hold.StatusCode);
        Assert.Contains("not waiting or booked", await hold.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var entrance = await (await _client.PostAsJsonAsync("/api/crossing/arrivals", new { plate = "51D99999" })).Content.ReadFromJsonAsync<JsonElement>(s_json);
        Assert.False(entrance.GetProperty("admitted").GetBoolean());
        Assert.Contains("No valid declaration", entrance.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Devices_StatusAndClearFault_UnknownDeviceIsNotFound()
    {
        var status = await _client.GetFromJsonAsync<JsonElement>("/api/crossing/devices/bar-lane-1", s_json);
        Assert.Equal("Barrier", status.GetProperty("kind").GetString());
        Assert.Equal("Unknown", status.GetProperty("health").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await _client.PostAsJsonAsync("/api/crossing/devices/bar-lane-1/clear-fault", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(new Uri("/api/crossing/devices/no-such-device", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsJsonAsync("/api/crossing/devices/no-such-device/clear-fault", new { })).StatusCode);
    }

    [Fact]
    public async Task OperatorClosesALane_DispatchStopsUsingIt()
    {
        var layout = await _client.GetFromJsonAsync<JsonElement>("/api/crossing/layout", s_json);
        var lanes = layout.GetProperty("lanes").EnumerateArray().Select(l => l.GetProperty("id").GetString()!).ToList();
        foreach (var lane in lanes)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await _client.PostAsJsonAsync($"/api/crossing/lanes/{lane}/close", new { reason = "shift change" })).StatusCode);
        }

        await Company().PostAsJsonAsync("/api/trips", TestDeclarations.Declaration("29C55501"));
        await _client.PostAsJsonAsync("/api/crossing/arrivals", new { plate = "29C55501" });
        var waiting = await _client.GetFromJsonAsync<JsonElement>("/api/trucks/29C55501/status", s_json);
        Assert.Equal("Waiting", waiting.GetProperty("status").GetString());
        Assert.Equal(1, waiting.GetProperty("queuePosition").GetInt32());

        await _client.PostAsJsonAsync($"/api/crossing/lanes/{lanes[0]}/open", new { });
        var called = await CalledAsync("29C55501");
        Assert.Equal(lanes[0], called.GetProperty("laneId").GetString());
    }

    /// <summary>A client signed in as <paramref name="company"/> (kept for the test).</summary>
    private HttpClient Company(string company = TestDeclarations.Company) =>
        _companies.TryGetValue(company, out var client) ? client : _companies[company] = _silo.CreateCompanyClient(company);

    /// <summary>The driver's status once the truck is called (the lane calls it a moment after the gate assigned it).</summary>
    private async Task<JsonElement> CalledAsync(string plate)
    {
        var status = default(JsonElement);
        await Wait.WaitUntil(
            async () => (status = await _client.GetFromJsonAsync<JsonElement>($"/api/trucks/{plate}/status", s_json)).GetProperty("status").GetString() == "Called",
            TimeSpan.FromSeconds(10),
            $"truck {plate} called");
        return status;
    }
}
