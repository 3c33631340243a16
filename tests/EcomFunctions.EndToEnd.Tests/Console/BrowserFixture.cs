using Microsoft.Playwright;

namespace EcomFunctions.EndToEnd.Tests.Console;

/// <summary>
/// Headless Debian Chromium driven by Playwright (its own browser download does not work on our build machines;
/// scripts/test installs the chromium package). Screenshots go to ECOM_TEST_ARTIFACTS/screenshots (scripts/test sets
/// it to .artifacts/test) or next to the test binaries.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotFolder { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("ECOM_TEST_ARTIFACTS") is { Length: > 0 } artifacts ? artifacts : AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        var executable = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Chromium is not installed: run scripts/lib/ensure-chromium (scripts/test does).");
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            // Without the background-networking flags Chromium keeps dialling out, which this closed network refuses.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
        Directory.CreateDirectory(ScreenshotFolder);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });
}
