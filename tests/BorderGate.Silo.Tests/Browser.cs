using Microsoft.Playwright;

namespace BorderGate.Silo.Tests;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright (its own browser download is not possible here): the path from
/// <c>BORDERGATE_CHROMIUM</c> or <c>/usr/bin/chromium</c>, which scripts/test.sh installs when it is missing.
/// </summary>
internal sealed class Browser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;

    private Browser(IPlaywright playwright, IBrowser chromium)
    {
        _playwright = playwright;
        Chromium = chromium;
    }

    public IBrowser Chromium { get; }

    public static async Task<Browser> LaunchAsync()
    {
        var path = Environment.GetEnvironmentVariable("BORDERGATE_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"No Chromium at {path}: install Debian's chromium (scripts/test.sh does), or set BORDERGATE_CHROMIUM.");
        }

        var playwright = await Playwright.CreateAsync();
        var chromium = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
        return new Browser(playwright, chromium);
    }

    /// <summary>Saves a screenshot when <c>BORDERGATE_SCREENSHOTS</c> names a directory (the README's pictures are taken so).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("BORDERGATE_SCREENSHOTS") is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name), FullPage = true });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Chromium.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>A browser test's parts: the real host on Kestrel and Chromium, started before each test and stopped after it.</summary>
public abstract class BrowserTest : IAsyncLifetime
{
    internal KestrelSilo Silo { get; private set; } = null!;

    internal Browser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Silo = new KestrelSilo();
        Browser = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Silo.DisposeAsync();
    }
}
