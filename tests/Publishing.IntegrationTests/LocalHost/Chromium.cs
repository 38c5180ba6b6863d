using Microsoft.Playwright;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// Pages in a real browser: headless Chromium (Debian's <c>chromium</c> package, which <c>./test.sh</c> installs where
/// it can) driven by Playwright with its executable path set; Playwright's own browsers are never downloaded.
/// A test using it is skipped, saying why, only where no Chromium is installed.
/// </summary>
internal static class Chromium
{
    /// <summary>Where the browser is looked for when <c>PUBLISHING_CHROMIUM</c> does not name one.</summary>
    private const string DefaultChromium = "/usr/bin/chromium";

    /// <summary>
    /// Headless, and quiet offline: no sandbox (tests run as root in containers), no GPU, and none of Chromium's
    /// own background connections (updates, sync, QUIC probes), which are refused noisily without internet.
    /// </summary>
    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private static string FindChromium()
    {
        var configured = Environment.GetEnvironmentVariable("PUBLISHING_CHROMIUM");
        var path = string.IsNullOrWhiteSpace(configured) ? DefaultChromium : configured;
        if (!File.Exists(path))
        {
            Assert.Skip(
                $"No Chromium at {path}: the browser test needs Debian's chromium package (./test.sh installs it when run as " +
                "root with apt-get; or `apt-get install chromium`), or PUBLISHING_CHROMIUM set to a Chromium executable.");
        }

        return path;
    }

    /// <summary>
    /// Runs <paramref name="use"/> on a page of Chromium with a fresh profile and JavaScript off: the pages must work
    /// without it (Playwright's own fill, click and evaluate still do).
    /// </summary>
    public static async Task RunAsync(Func<IPage, Task> use)
    {
        var chromium = FindChromium();
        var profile = Directory.CreateTempSubdirectory("publishing-chromium-");
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchPersistentContextAsync(profile.FullName, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = chromium,
                Headless = true,
                Args = ChromiumArgs,
                Timeout = 30_000,
                JavaScriptEnabled = false,
            });
            browser.SetDefaultTimeout(15_000);
            browser.SetDefaultNavigationTimeout(15_000);
            await use(browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync());
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
