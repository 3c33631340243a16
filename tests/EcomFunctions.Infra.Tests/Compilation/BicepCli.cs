using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace EcomFunctions.Infra.Tests.Compilation;

/// <summary>
/// The pinned Bicep CLI restored from NuGet (infra/tools/Bicep.props). The package stores the binary without the
/// execute bit for group/other, so it is made executable before the first run.
/// </summary>
public sealed class BicepCli
{
    /// <summary>Overrides the restored binary, e.g. on a machine that is not linux-x64.</summary>
    public const string PathVariable = "BICEP_CLI_PATH";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private BicepCli(string executablePath) => ExecutablePath = executablePath;

    public string ExecutablePath { get; }

    public static BicepCli Locate()
    {
        var path = Environment.GetEnvironmentVariable(PathVariable);
        if (string.IsNullOrWhiteSpace(path))
        {
            path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .SingleOrDefault(a => a.Key == "BicepCliPath")?.Value;
        }

        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"The Bicep CLI was not found at '{path}'. `dotnet restore tests/EcomFunctions.Infra.Tests` downloads it " +
                $"(PackageDownload in infra/tools/Bicep.props), or set {PathVariable} to a bicep executable.");
        }

        if (!OperatingSystem.IsWindows())
        {
            const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            var mode = File.GetUnixFileMode(path);
            if ((mode & execute) != execute)
            {
                File.SetUnixFileMode(path, mode | execute);
            }
        }

        return new BicepCli(path);
    }

    public async Task<BicepRun> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + ExecutablePath);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        var output = new StringBuilder().Append(await stdout).Append(await stderr).ToString();
        return new BicepRun("bicep " + string.Join(' ', arguments), process.ExitCode, output);
    }
}

/// <summary>One finished bicep command.</summary>
public sealed record BicepRun(string Command, int ExitCode, string Output)
{
    /// <summary>Diagnostic lines that are warnings or errors: "&lt;file&gt;(line,col) : Warning BCP081: ...".</summary>
    public IReadOnlyList<string> Problems =>
        Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.Contains(" : Warning ", StringComparison.Ordinal) || line.Contains(" : Error ", StringComparison.Ordinal))
            .ToList();

    public BicepRun EnsureSucceeded()
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException($"`{Command}` exited with {ExitCode}:\n{Output}");
        }

        return this;
    }
}
