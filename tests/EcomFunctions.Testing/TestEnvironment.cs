using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace EcomFunctions.Testing;

/// <summary>
/// Makes every host a test starts (in process or as a child process) read the committed local.settings.sample.json,
/// never a developer's functions/EcomFunctions.App/local.settings.json: that file is created once by scripts/start
/// and goes stale as settings are added, which would make the suite pass or fail depending on the machine.
/// </summary>
public static class TestEnvironment
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "Test support library: the settings file must be pinned before any fixture starts a host, whichever fixture comes first.")]
    public static void PinSettingsFile()
    {
        if (Environment.GetEnvironmentVariable("ECOM_LOCAL_SETTINGS") is { Length: > 0 })
        {
            return;
        }

        var sample = Path.Combine(AppContext.BaseDirectory, "local.settings.sample.json");
        if (File.Exists(sample))
        {
            Environment.SetEnvironmentVariable("ECOM_LOCAL_SETTINGS", sample);
        }
    }
}
