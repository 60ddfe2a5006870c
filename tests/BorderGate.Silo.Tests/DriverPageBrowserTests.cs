using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace BorderGate.Silo.Tests;

/// <summary>The drivers' page on a phone-sized Chromium: in Vietnamese, Chinese and English, live as the truck is called.</summary>
public sealed class DriverPageBrowserTests : BrowserTest
{
    private async Task<IPage> OpenAsync(string query)
    {
        var page = await Browser.Chromium.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true });
        await page.GotoAsync(new Uri(Silo.BaseAddress, "/driver/" + query).ToString());
        return page;
    }

    [Theory]
    [InlineData("vi", "Xe của tôi đang ở đâu?", "Đã đặt lịch", "Lái xe vào lane-", "Được gọi vào làn")]
    [InlineData("zh", "我的车辆在哪里？", "已预约", "请立即驶入 lane-", "已叫号")]
    [InlineData("en", "Where is my truck?", "Booked", "Drive to lane-", "Called to a lane")]
    public async Task DriverPage_InEachLanguage_ShowsTheTruckLive(string language, string title, string booked, string goToLane, string called)
    {
        var plate = language switch { "vi" => "29C40001", "zh" => "29C40002", _ => "29C40003" };
        Assert.Equal(HttpStatusCode.Created, (await Silo.Company().PostAsJsonAsync("/api/trips", TestDeclarations.Declaration(plate))).StatusCode);

        var page = await OpenAsync($"?lang={language}");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(title);
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
        await page.FillAsync("#plate", plate);
        await page.FillAsync("#declaration", "305123456789");
        await page.ClickAsync("#find button[type=submit]");
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-status", "Booked");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync(booked);
        await Assertions.Expect(page.Locator("#next-step")).ToHaveAttributeAsync("data-code", "come-in-window");
        await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");

        // The truck arrives; every lane is free, so it is called at once: the page follows without a reload.
        await Silo.Http.PostAsJsonAsync("/api/crossing/arrivals", new { plate });
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-status", "Called", new LocatorAssertionsToHaveAttributeOptions { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync(called);
        await Assertions.Expect(page.Locator("#next-step")).ToContainTextAsync(goToLane);
        await Browser.ScreenshotAsync(page, $"driver-{language}.png");

        // The phone keeps its sign-in: opened again, it shows the truck without asking, and the declaration number is in no address.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-status", "Called", new LocatorAssertionsToHaveAttributeOptions { Timeout = 10_000 });
        Assert.True(await page.Locator("#find").IsHiddenAsync());
        Assert.DoesNotContain("305123456789", page.Url, StringComparison.Ordinal);

        // "Another truck" forgets it.
        await page.ClickAsync("#sign-out");
        await Assertions.Expect(page.Locator("#find")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#find")).ToBeVisibleAsync();
        Assert.True(await page.Locator("#truck").IsHiddenAsync());
    }

    [Fact]
    public async Task DriverPage_WithAWrongDeclarationNumber_SaysSoInTheChosenLanguage()
    {
        Assert.Equal(HttpStatusCode.Created, (await Silo.Company().PostAsJsonAsync("/api/trips", TestDeclarations.Declaration("29C40009"))).StatusCode);
        var page = await OpenAsync("?lang=en&plate=29C40009&declaration=305000000000");

        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("No trip matches this plate and declaration number");
        await page.ClickAsync("#languages button[data-lang=zh]");
        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("未找到");
        Assert.True(await page.Locator("#truck").IsHiddenAsync());
    }
}
