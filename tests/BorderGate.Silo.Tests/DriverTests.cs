using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BorderGate.Contracts.Auth;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;
using BorderGate.Contracts.Live;
using Microsoft.Extensions.DependencyInjection;
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
        Assert.Equal(HttpStatusCode.Created, (await _silo.Company().PostAsJsonAsync("/api/trips", TestDeclarations.Declaration(plate))).StatusCode);

    [Fact]
    public async Task Status_SignedInWithPlateAndDeclarationNumber_SaysWhereTheTruckStandsAndWhatToDo()
    {
        await DeclareAsync("29C-300.01");
        using var phone = _silo.WithToken(await _silo.DriverTokenAsync("29c-300.01", Declaration));

        var status = await phone.GetFromJsonAsync<JsonElement>("/api/driver/status");

        Assert.Equal("29C30001", status.GetProperty("plate").GetString());
        Assert.Equal("Booked", status.GetProperty("status").GetString());
        Assert.Equal("come-in-window", status.GetProperty("nextStepCode").GetString());
        Assert.True(status.GetProperty("window").GetProperty("start").GetDateTimeOffset() > DateTimeOffset.MinValue);
    }

    [Theory]
    [InlineData("29C30002", "305000000000")]
    [InlineData("29C99999", Declaration)]
    [InlineData("29C30002", "")]
    [InlineData("", Declaration)]
    public async Task SignIn_WithAWrongOrMissingDeclarationNumberOrPlate_LearnsNothing(string plate, string declaration)
    {
        await DeclareAsync("29C-300.02");

        using var response = await _silo.Anonymous.PostAsJsonAsync(SignInRoutes.Driver, new DriverSignIn(plate, declaration));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("No trip matches this plate and declaration number", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>A driver's token opens the trip it was signed in for: once the truck's next trip is declared, it sees nothing.</summary>
    [Fact]
    public async Task DriverToken_SeesOnlyItsTrip_NotTheTrucksNextOne()
    {
        await DeclareAsync("29C-300.03");
        using var phone = _silo.WithToken(await _silo.DriverTokenAsync("29C30003", Declaration));
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync(new Uri("/api/driver/status", UriKind.Relative))).StatusCode);

        // The trip ends (the truck never came); the next trip of the plate, under another number, is not this driver's.
        var grains = _silo.Services.GetRequiredService<BorderGate.Actors.IGrainFactory>();
        await grains.GetGrain<ITruckGrain>(CrossingIds.Truck("29C30003")).Advance(new TripTransition(TruckStatus.NoShow, "no-show"));
        var next = await _silo.Company().PostAsJsonAsync("/api/trips", TestDeclarations.Declaration("29C30003", declaration: "305999999999"));
        Assert.Equal(HttpStatusCode.Created, next.StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await phone.GetAsync(new Uri("/api/driver/status", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Status_WithoutADriversToken_IsRefused()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _silo.Anonymous.GetAsync(new Uri("/api/driver/status", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _silo.Http.GetAsync(new Uri("/api/driver/status", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _silo.Company().GetAsync(new Uri("/api/driver/status", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheDriversApi_AndHowToSignIn()
    {
        var document = await _silo.Anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var operation = document.GetProperty("paths").GetProperty("/api/driver/status").GetProperty("get");
        Assert.Equal("GetDriverStatus", operation.GetProperty("operationId").GetString());
        Assert.Equal("SignInDriver", document.GetProperty("paths").GetProperty(SignInRoutes.Driver).GetProperty("post").GetProperty("operationId").GetString());
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/trips", out _));
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/companies/{companyId}/trucks", out _));
    }

    /// <summary>A driver's phone on the hub hears each step of its own truck, and nothing of another.</summary>
    [Fact]
    public async Task Hub_SendsTheTrucksStatus_AsItChanges()
    {
        await DeclareAsync("29C-300.04");
        await DeclareAsync("29C-300.05");
        await using var phone = await HubTestClient.ConnectAsync(new Uri(_silo.BaseAddress, DriverHubRoutes.Path), await _silo.DriverTokenAsync("29C-300.04", Declaration));

        var now = await phone.InvokeAsync(DriverHubRoutes.Follow, []);
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
        var token = await _silo.DriverTokenAsync("29C30007", Declaration);
        var phones = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            var phone = await HubTestClient.ConnectAsync(new Uri(_silo.BaseAddress, DriverHubRoutes.Path), token);
            await phone.InvokeAsync(DriverHubRoutes.Follow, []);
            return phone;
        }));

        await Task.WhenAll(phones.Take(10).Select(p => p.DisposeAsync().AsTask()));
        await using var late = await HubTestClient.ConnectAsync(new Uri(_silo.BaseAddress, DriverHubRoutes.Path), token);
        await late.InvokeAsync(DriverHubRoutes.Follow, []);
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
    public async Task Hub_WithoutADriversToken_IsRefused()
    {
        await DeclareAsync("29C-300.06");
        var hub = new Uri(_silo.BaseAddress, DriverHubRoutes.Path);

        var anonymous = await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => HubTestClient.ConnectAsync(hub, accessToken: null));
        Assert.Contains("401", anonymous.Message, StringComparison.Ordinal);
        var token = await _silo.DriverTokenAsync("29C30006", Declaration);
        var forged = await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => HubTestClient.ConnectAsync(hub, token[..^4] + "AAAA"));
        Assert.Contains("401", forged.Message, StringComparison.Ordinal);
        var operatorToken = await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(async () => await HubTestClient.ConnectAsync(hub, await _silo.OperatorTokenAsync()));
        Assert.Contains("403", operatorToken.Message, StringComparison.Ordinal);
    }
}
