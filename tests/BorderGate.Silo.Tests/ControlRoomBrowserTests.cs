using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using BorderGate.TestSupport;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace BorderGate.Silo.Tests;

/// <summary>The control room's live map in real headless Chromium against the real host: drawn from the layout, live from the hub.</summary>
public sealed class ControlRoomBrowserTests(ITestOutputHelper output) : BrowserTest
{
    /// <summary>Opens the map and signs in on its form (as the development supervisor unless told), then waits for it to go live.</summary>
    private async Task<IPage> OpenMapAsync(Func<IPage, Task>? before = null, string query = "", string user = "supervisor")
    {
        var page = await Browser.Chromium.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 800 } });
        var failed = new List<string>();
        page.RequestFailed += (_, request) => failed.Add(request.Url);
        if (before is not null)
        {
            await before(page);
        }

        await page.GotoAsync(new Uri(Silo.BaseAddress, "/control-room/" + query).ToString());
        await SignInAsync(page, user, TestAuth.Secret);
        await page.WaitForSelectorAsync("#connection[data-state='live']", new PageWaitForSelectorOptions { Timeout = 15_000 });

        // Everything the page needs came from the silo: nothing from the internet.
        Assert.Empty(failed);
        return page;
    }

    private static async Task SignInAsync(IPage page, string user, string password)
    {
        await page.FillAsync("#username", user);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-in-form button[type=submit]");
    }

    /// <summary>The map asks who is there first: a wrong password is refused on the form; an operator (not a supervisor) gets no "return to service".</summary>
    [Fact]
    public async Task Map_AsksToSignIn_RefusesAWrongPassword_AndShowsTheOperatorsRole()
    {
        var page = await Browser.Chromium.NewPageAsync();
        await page.GotoAsync(new Uri(Silo.BaseAddress, "/control-room/").ToString());
        await Assertions.Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        await SignInAsync(page, "operator", "not-the-password");
        await Assertions.Expect(page.Locator("#sign-in-error")).ToHaveTextAsync("The user name and password do not match.");

        await SignInAsync(page, "operator", TestAuth.Secret);
        await page.WaitForSelectorAsync("#connection[data-state='live']", new PageWaitForSelectorOptions { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#user")).ToHaveTextAsync("dev operator");
        await Assertions.Expect(page.Locator("#user")).ToHaveAttributeAsync("data-role", "operator");
        await Silo.Services.GetRequiredService<BorderGate.Actors.IGrainFactory>().GetGrain<BorderGate.Contracts.Crossing.IAlarmBookGrain>("huu-nghi")
            .Raise(new BorderGate.Contracts.Devices.DeviceAlarm("huu-nghi", "cam-lane-2", BorderGate.Contracts.Devices.DeviceKind.PlateCamera, "fault", "lens dirty", DateTimeOffset.UtcNow));
        await Assertions.Expect(page.Locator("#alarms li")).ToHaveCountAsync(1);
        Assert.Equal(0, await page.Locator("#alarms .return-to-service").CountAsync());

        // Signed out: the form again, and the token is gone from the tab.
        await page.ClickAsync("#sign-out");
        await Assertions.Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Map_DrawsTheSiteFromTheLayout_AndShowsATruckCalledToALane_WithinASecond()
    {
        var page = await OpenMapAsync();
        Assert.Equal(6, await page.Locator("#map .lane").CountAsync());
        Assert.Equal(2, await page.Locator("#map .bay").CountAsync());
        await Assertions.Expect(page.Locator("#crossing-name")).ToHaveTextAsync("Huu Nghi - Youyiguan smart cargo road (6 lanes)");

        await Silo.DeclareAndArriveAsync("29C70001");
        var called = Stopwatch.StartNew();
        var status = await Silo.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/trucks/29C70001/status");
        var lane = status.GetProperty("laneId").GetString();
        await page.WaitForSelectorAsync($"#map .lane[data-lane='{lane}'][data-plate='29C70001']", new PageWaitForSelectorOptions { Timeout = 1_000 });
        output.WriteLine($"lane {lane} showed 29C70001 {called.ElapsedMilliseconds} ms after the API answered 'called'");

        await Assertions.Expect(page.Locator("#changes li").First).ToContainTextAsync("29C70001 called");
        await Assertions.Expect(page.Locator("#queue-length")).ToHaveTextAsync("0 waiting");
        await Assertions.Expect(page.Locator("#sequence")).ToHaveTextAsync("#3");
        await Browser.ScreenshotAsync(page, "control-room.png");
    }

    [Fact]
    public async Task Map_StartsFromTheSnapshot_WhenTrucksAreAlreadyInLanes()
    {
        await Silo.DeclareAndArriveAsync("29C70002");
        var lane = (await Silo.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/trucks/29C70002/status")).GetProperty("laneId").GetString();

        var page = await OpenMapAsync();

        await Assertions.Expect(page.Locator($"#map .lane[data-lane='{lane}']")).ToHaveAttributeAsync("data-plate", "29C70002");
        await Assertions.Expect(page.Locator("#sequence")).ToHaveTextAsync("#3");
    }

    /// <summary>An operator closes a lane on the map: the map shows it closed, and the next truck is called to another lane.</summary>
    [Fact]
    public async Task OperatorClosesALaneOnTheMap_AndDispatchStopsUsingIt()
    {
        var page = await OpenMapAsync();

        await page.ClickAsync("#map .lane[data-lane='lane-1']");
        await page.FillAsync("#lane-reason", "camera cleaning");
        await page.ClickAsync("#close-lane");
        await Assertions.Expect(page.Locator("#map .lane[data-lane='lane-1']")).ToHaveAttributeAsync("data-mode", "Closed");
        await Assertions.Expect(page.Locator("#lane-state")).ToContainTextAsync("Closed — camera cleaning (dev supervisor)");
        await Silo.DeclareAndArriveAsync("29C70003");
        var lane = (await Silo.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/trucks/29C70003/status")).GetProperty("laneId").GetString();

        Assert.NotEqual("lane-1", lane);
        await Assertions.Expect(page.Locator($"#map .lane[data-lane='{lane}']")).ToHaveAttributeAsync("data-plate", "29C70003");
        await Assertions.Expect(page.Locator("#map .lane[data-lane='lane-1']")).ToHaveAttributeAsync("data-plate", "");
        await page.ClickAsync("#open-lane");
        await Assertions.Expect(page.Locator("#map .lane[data-lane='lane-1']")).ToHaveAttributeAsync("data-mode", "Open");
    }

    /// <summary>
    /// An operator holds a booked truck from the map with a reason and releases it (booked again); a hold without a plate,
    /// a release of a truck that is not held, and a hold of the truck in a lane (clicking the lane takes its plate), are
    /// refused and say why; "Dispatch now" runs dispatch.
    /// </summary>
    [Fact]
    public async Task OperatorHoldsAndReleasesATruckOnTheMap_AndDispatchesAgain()
    {
        var page = await OpenMapAsync();
        var declared = await Silo.Company().PostAsJsonAsync("/api/trips", TestDeclarations.Declaration("29C70005"));
        Assert.Equal(System.Net.HttpStatusCode.Created, declared.StatusCode);

        await page.ClickAsync("#hold-truck");
        await Assertions.Expect(page.Locator("#truck-error")).ToHaveTextAsync("Enter the truck's plate, or click the lane it is in.");
        await page.FillAsync("#truck-plate", "29C-700.05");
        await page.FillAsync("#truck-reason", "documents to check");
        await page.ClickAsync("#hold-truck");
        await Wait.WaitUntil(async () => await StatusAsync("29C70005") == "Held", TimeSpan.FromSeconds(5), "the truck held");
        await Assertions.Expect(page.Locator("#truck-error")).ToHaveTextAsync("");
        await page.ClickAsync("#release-truck");
        await Wait.WaitUntil(async () => await StatusAsync("29C70005") == "Booked", TimeSpan.FromSeconds(5), "the truck booked again");
        await page.ClickAsync("#release-truck");
        await Assertions.Expect(page.Locator("#truck-error")).ToContainTextAsync("Truck 29C70005 is not held");

        await Silo.DeclareAndArriveAsync("29C70006");
        var lane = (await Silo.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/trucks/29C70006/status")).GetProperty("laneId").GetString();
        await Assertions.Expect(page.Locator($"#map .lane[data-lane='{lane}']")).ToHaveAttributeAsync("data-plate", "29C70006");
        await page.ClickAsync($"#map .lane[data-lane='{lane}']");
        await Assertions.Expect(page.Locator("#truck-plate")).ToHaveValueAsync("29C70006");
        await page.ClickAsync("#hold-truck");
        await Assertions.Expect(page.Locator("#truck-error")).ToContainTextAsync("Truck 29C70006 is not waiting or booked");
        Assert.Equal("Called", await StatusAsync("29C70006"));

        await page.ClickAsync("#dispatch");
        await Assertions.Expect(page.Locator("#truck-error")).ToHaveTextAsync("");

        async Task<string?> StatusAsync(string plate) =>
            (await Silo.Http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/trucks/{plate}/status")).GetProperty("status").GetString();
    }

    /// <summary>The map draws the equipment it is sent: every driverless truck on the route, every crane on its rail, every yard slot.</summary>
    [Fact]
    public async Task Map_DrawsTheEquipment_VehiclesCranesAndYardSlots()
    {
        var site = Silo.Services.GetRequiredService<BorderGate.Contracts.Site.SiteLayout>();

        var page = await OpenMapAsync();

        Assert.Equal(site.DriverlessTrucks.Count, await page.Locator("#route .vehicle").CountAsync());
        Assert.Equal(site.Cranes.Count, await page.Locator("#map .crane").CountAsync());
        Assert.Equal(site.YardBlocks.Sum(b => b.Rows * b.Bays), await page.Locator("#yard .slot").CountAsync());
        await Assertions.Expect(page.Locator("#route .vehicle").First).ToHaveAttributeAsync("transform", new System.Text.RegularExpressions.Regex(@"^translate\("));
        await Assertions.Expect(page.Locator("#map .crane").First).ToHaveAttributeAsync("data-mode", new System.Text.RegularExpressions.Regex(".+"));
        Assert.Equal(0, await page.Locator("#yard .slot[data-state='O']").CountAsync());
    }

    /// <summary>A device's alarm shows on the map at once; the operator acknowledges it there and it leaves the list.</summary>
    [Fact]
    public async Task Alarm_ShowsOnTheMap_AndTheOperatorAcknowledgesIt()
    {
        var page = await OpenMapAsync();
        var book = Silo.Services.GetRequiredService<BorderGate.Actors.IGrainFactory>().GetGrain<BorderGate.Contracts.Crossing.IAlarmBookGrain>("huu-nghi");

        var alarm = await book.Raise(new BorderGate.Contracts.Devices.DeviceAlarm("huu-nghi", "wb-lane-3", BorderGate.Contracts.Devices.DeviceKind.Weighbridge, "fault", "load cell drift", DateTimeOffset.UtcNow));
        await Assertions.Expect(page.Locator($"#alarms li[data-alarm='{alarm.AlarmId}']")).ToContainTextAsync("wb-lane-3 fault: load cell drift");
        await Assertions.Expect(page.Locator("#alarm-count")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator($"#alarms li[data-alarm='{alarm.AlarmId}'] .return-to-service")).ToBeVisibleAsync();
        await page.ClickAsync($"#alarms li[data-alarm='{alarm.AlarmId}'] .acknowledge");

        await Assertions.Expect(page.Locator("#alarms li")).ToHaveCountAsync(0);
        Assert.Empty(await book.Open());
        await Assertions.Expect(page.Locator("#changes li").First).ToContainTextAsync("acknowledged by dev supervisor");
    }

    /// <summary>
    /// The map's connection dropped (closed abnormally under it) while trucks moved: it reconnects, follows from the last
    /// change it applied, and has drawn every change once, in order, with no gap.
    /// </summary>
    [Fact]
    public async Task Reconnect_LosesNoChange()
    {
        var connections = new List<IWebSocketRoute>();
        var page = await OpenMapAsync(
            p => p.RouteWebSocketAsync(new System.Text.RegularExpressions.Regex("/hubs/crossing"), ws =>
            {
                ws.ConnectToServer();
                lock (connections)
                {
                    connections.Add(ws);
                }
            }),
            "?measure");
        await Silo.DeclareAndArriveAsync("29C70011");
        await Assertions.Expect(page.Locator("#sequence")).ToHaveTextAsync("#3");

        await connections[0].CloseAsync(new WebSocketRouteCloseOptions { Code = 4000, Reason = "network lost" });
        await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "reconnecting");
        await Silo.DeclareAndArriveAsync("29C70012");
        await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live", new LocatorAssertionsToHaveAttributeOptions { Timeout = 15_000 });
        await Silo.DeclareAndArriveAsync("29C70013");

        await Assertions.Expect(page.Locator("#sequence")).ToHaveTextAsync("#9", new LocatorAssertionsToHaveTextOptions { Timeout = 10_000 });
        var drawn = await page.EvaluateAsync<long[][]>("() => window.bordergateDrawn");
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), drawn.Select(d => d[0]));
        Assert.Equal(2, connections.Count);
        var lane = (await Silo.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/trucks/29C70012/status")).GetProperty("laneId").GetString();
        await Assertions.Expect(page.Locator($"#map .lane[data-lane='{lane}']")).ToHaveAttributeAsync("data-plate", "29C70012");
    }
}
