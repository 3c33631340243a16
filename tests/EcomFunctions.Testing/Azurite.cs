using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EcomFunctions.Testing;

/// <summary>
/// The Azurite instance tests run against. <c>scripts/test</c> starts one on free ports and exports its connection
/// string as <c>ECOM_TEST_STORAGE</c>; when that is absent (a developer running <c>dotnet test</c> directly) the first
/// caller starts a private in-memory Azurite from the repository's node_modules and the process exit stops it.
/// </summary>
public static class Azurite
{
    public const string EnvironmentVariable = "ECOM_TEST_STORAGE";

    // The well-known development account key Azurite accepts; not a secret.
    public const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly Lazy<string> Shared = new(StartOrReuse, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The connection string of the running Azurite (starting one if needed).</summary>
    public static string ConnectionString => Shared.Value;

    public static string ConnectionStringFor(string host, int blobPort, int queuePort, int tablePort) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};" +
        $"BlobEndpoint=http://{host}:{blobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://{host}:{queuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://{host}:{tablePort}/devstoreaccount1;";

    /// <summary>A table or queue name no other test uses: letters and digits only, starting with a letter.</summary>
    public static string UniqueName(string prefix) =>
        (prefix + Guid.NewGuid().ToString("N")[..12]).ToLowerInvariant();

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EcomFunctions.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find EcomFunctions.sln above " + AppContext.BaseDirectory);
    }

    private static string StartOrReuse()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        var process = AzuriteProcess.Start(persistenceFolder: null);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => process.Dispose();
        return process.ConnectionString;
    }
}

/// <summary>An Azurite server process this test run owns (in memory, or persisted to a folder so it survives a restart).</summary>
public sealed class AzuriteProcess : IDisposable
{
    private readonly Process process;

    private AzuriteProcess(Process process, int blobPort, int queuePort, int tablePort, string? folder)
    {
        this.process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        Folder = folder;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public string? Folder { get; }

    public string ConnectionString => Azurite.ConnectionStringFor("127.0.0.1", BlobPort, QueuePort, TablePort);

    public bool HasExited => process.HasExited;

    /// <summary>CPU time the Azurite process has used so far (benchmarks: where the time of a scenario goes).</summary>
    public TimeSpan TotalProcessorTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    /// <summary>Starts Azurite on free ports (or the given ones, to restart on the same endpoints) and waits until it listens.</summary>
    public static AzuriteProcess Start(string? persistenceFolder, int? blobPort = null, int? queuePort = null, int? tablePort = null)
    {
        var root = Azurite.RepositoryRoot();
        var script = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed: run `npm ci` in {root} (scripts/test does it for you).");
        }

        int blob = blobPort ?? Azurite.FreePort(), queue = queuePort ?? Azurite.FreePort(), table = tablePort ?? Azurite.FreePort();
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     script, "--silent", "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl",
                     "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--tableHost", "127.0.0.1", "--tablePort", table.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(arg);
        }

        if (persistenceFolder is null)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            Directory.CreateDirectory(persistenceFolder);
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(persistenceFolder);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new AzuriteProcess(process, blob, queue, table, persistenceFolder);
        azurite.WaitUntilListening(TimeSpan.FromSeconds(30));
        return azurite;
    }

    /// <summary>
    /// Stops Azurite as an outage does, without losing what it acknowledged: SIGTERM lets it flush its on-disk database
    /// (a SIGKILL would drop the writes of its last autosave interval, which real storage never does).
    /// </summary>
    public void Stop(TimeSpan? timeout = null)
    {
        if (process.HasExited)
        {
            return;
        }

        using (var signal = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            signal.WaitForExit();
        }

        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(20)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }

    private void WaitUntilListening(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before listening.");
                }

                try
                {
                    using var client = new TcpClient();
                    client.Connect(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(100);
                }
            }
        }
    }
}
