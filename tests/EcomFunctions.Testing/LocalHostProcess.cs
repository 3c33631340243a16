using System.Diagnostics;

namespace EcomFunctions.Testing;

/// <summary>
/// The LocalHost as a separate OS process, for fault tests that need a real crash: <see cref="Kill"/> ends it
/// abruptly (no shutdown hooks run), as a host instance dying in Azure would, and a new one can be started on the
/// same storage and task hub.
/// </summary>
public sealed class LocalHostProcess : IDisposable
{
    private readonly Process process;

    private LocalHostProcess(Process process, Uri baseAddress)
    {
        this.process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<LocalHostProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, IEnumerable<string>? arguments = null, int? port = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var dll = Path.Combine(AppContext.BaseDirectory, "EcomFunctions.LocalHost.dll");
        var chosenPort = port ?? Azurite.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add($"--LocalHost:Url=http://127.0.0.1:{chosenPort}");
        foreach (var argument in arguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in settings)
        {
            // Environment variables are app settings; ':' is written '__' as in Azure.
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        // The last lines it printed, to say why when it dies before it is healthy.
        var tail = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            tail.Enqueue(line);
            while (tail.Count > 40 && tail.TryDequeue(out _))
            {
            }
        }

        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new LocalHostProcess(process, new Uri($"http://127.0.0.1:{chosenPort}/"));
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            if (process.HasExited)
            {
                process.WaitForExit();
                throw new InvalidOperationException($"The LocalHost exited with code {process.ExitCode} before it was healthy:\n{string.Join('\n', tail)}");
            }

            try
            {
                if ((await client.GetAsync("api/health")).IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting.
            }

            if (DateTime.UtcNow > deadline)
            {
                host.Kill();
                throw new TimeoutException("The LocalHost did not become healthy in time.");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Ends the process at once (SIGKILL): no graceful shutdown, leases and in-flight work are left as a crash leaves them.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }
}
