using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BorderGate.Contracts.Live;
using BorderGate.TestSupport;

namespace BorderGate.Silo.Tests;

/// <summary>
/// The drivers' API and hub on the real host: a driver sees one truck, by plate and declaration number, and hears of
/// each change; a wrong number learns nothing, not even that the plate is known.
/// </summary>
public sealed class DriverTests : IAsyncLifetime
{
    private const string Declaration = "305123456789";
    private KestrelSilo _silo = null!;

    public Task InitializeAsync()
    {
        _silo = new KestrelSilo();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private async Task DeclareAsync(string plate) =>
        Assert.Equal(HttpStatusCode.Created, (await _silo.Http.PostAsJsonAsync("/api/trips", TestDeclarations.Declaration(plate))).StatusCode);

    [Fact]
    public async Task Status_WithPlateAndDeclarationNumber_SaysWhereTheTruckStandsAndWhatToDo()
    {
        await DeclareAsync("29C-300.01");

        var status = await _silo.Http.GetFromJsonAsync<JsonElement>($"/api/driver/status?plate=29c-300.01&declaration={Declaration}");

        Assert.Equal("29C30001", status.GetProperty("plate").GetString());
        Assert.Equal("Booked", status.GetProperty("status").GetString());
        Assert.Equal("come-in-window", status.GetProperty("nextStepCode").GetString());
        Assert.True(status.GetProperty("window").GetProperty("start").GetDateTimeOffset() > DateTimeOffset.MinValue);
    }

    [Theory]
    [InlineData("29C30002", "305000000000")]
    [InlineData("29C99999", Declaration)]
    public async Task Status_WithAWrongDeclarationNumberOrPlate_LearnsNothing(string plate, string declaration)
    {
        await DeclareAsync("29C-300.02");

        using var response = await _silo.Http.GetAsync(new Uri($"/api/driver/status?plate={plate}&declaration={declaration}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No trip matches this plate and declaration number", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/driver/status?plate=29C30003")]
    [InlineData("/api/driver/status?declaration=305123456789")]
    [InlineData("/api/driver/status?plate=%20&declaration=305123456789")]
    public async Task Status_WithoutPlateOrDeclaration_IsRefusedClearly(string path)
    {
        using var response = await _silo.Http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("plate (?plate=) and its customs declaration number", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheDriversApi()
    {
        var document = await _silo.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var operation = document.GetProperty("paths").GetProperty("/api/driver/status").GetProperty("get");
        Assert.Equal("GetDriverStatus", operation.GetProperty("operationId").GetString());
        Assert.Contains(operation.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "declaration");
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/trips", out _));
    }

    /// <summary>A driver's phone on the hub hears each step of its own truck, and nothing of another.</summary>
    [Fact]
    public async Task Hub_SendsTheTrucksStatus_AsItChanges()
    {
        await DeclareAsync("29C-300.04");
        await DeclareAsync("29C-300.05");
        await using var phone = await HubTestClient.ConnectAsync(new Uri(_silo.BaseAddress, DriverHubRoutes.Path));

        var now = await phone.InvokeAsync(DriverHubRoutes.FollowTruck, ["29C-300.04", Declaration]);
        await _silo.Http.PostAsJsonAsync("/api/crossing/arrivals", new { plate = "29C30005" });
        await _silo.Http.PostAsJsonAsync("/api/crossing/arrivals", new { plate = "29C30004" });
        var statuses = new List<JsonElement>();
        while (statuses.Count == 0 || statuses[^1].GetProperty("status").GetString() != "Called")
        {
            var message = await phone.NextAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(nameof(IDriverClient.Status), message.Target);
            statuses.Add(message.Arguments[0]);
        }

        Assert.Equal("Booked", now.GetProperty("status").GetString());
        Assert.All(statuses, s => Assert.Equal("29C30004", s.GetProperty("plate").GetString()));
        var called = statuses[^1];
        Assert.Equal("go-to-lane", called.GetProperty("nextStepCode").GetString());
        Assert.StartsWith("lane-", called.GetProperty("laneId").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Many phones on one truck, some leaving while others join: every phone still there hears the truck's next step.</summary>
    [Fact]
    public async Task Hub_ManyPhonesOnOneTruck_ThoseThatStayAllHearIt()
    {
        await DeclareAsync("29C-300.07");
        var phones = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            var phone = await HubTestClient.ConnectAsync(new Uri(_silo.BaseAddress, DriverHubRoutes.Path));
            await phone.InvokeAsync(DriverHubRoutes.FollowTruck, ["29C30007", Declaration]);
            return phone;
        }));

        await Task.WhenAll(phones.Take(10).Select(p => p.DisposeAsync().AsTask()));
        await using var late = await HubTestClient.ConnectAsync(new Uri(_silo.BaseAddress, DriverHubRoutes.Path));
        await late.InvokeAsync(DriverHubRoutes.FollowTruck, ["29C30007", Declaration]);
        await _silo.Http.PostAsJsonAsync("/api/crossing/arrivals", new { plate = "29C30007" });

        foreach (var phone in phones.Skip(10).Append(late))
        {
            var status = (await phone.NextAsync(TimeSpan.FromSeconds(15))).Arguments[0];
            Assert.Equal("29C30007", status.GetProperty("plate").GetString());
            Assert.NotEqual("Booked", status.GetProperty("status").GetString());
        }

        foreach (var phone in phones.Skip(10))
        {
            await phone.DisposeAsync();
        }
    }

    [Fact]
    public async Task Hub_WithAWrongDeclarationNumber_IsRefused_AndSendsNothing()
    {
        await DeclareAsync("29C-300.06");
        await using var phone = await HubTestClient.ConnectAsync(new Uri(_silo.BaseAddress, DriverHubRoutes.Path));

        var error = await Assert.ThrowsAsync<HubCallException>(() => phone.InvokeAsync(DriverHubRoutes.FollowTruck, ["29C30006", "305000000000"]));
        await _silo.Http.PostAsJsonAsync("/api/crossing/arrivals", new { plate = "29C30006" });

        Assert.Contains("No trip matches this plate and declaration number", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<TimeoutException>(() => phone.NextAsync(TimeSpan.FromSeconds(1)));
    }
}
