using Microsoft.Extensions.Logging;

namespace EcomFunctions.LocalHost.Durable;

/// <summary>
/// Sends the logs of the engine's private hosts (sidecar web host, worker host) to the caller's logger factory, so the
/// engine can be quiet by its own minimum level while the caller's sinks and filters still apply.
/// </summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);

    public void Dispose()
    {
        // The target factory belongs to the caller.
    }

    /// <summary>A logger factory that forwards to <paramref name="target"/> at <paramref name="minimumLevel"/> or above.</summary>
    public static ILoggerFactory Filtered(ILoggerFactory target, LogLevel minimumLevel) =>
        LoggerFactory.Create(logging => logging
            .SetMinimumLevel(minimumLevel)
            .AddProvider(new ForwardingLoggerProvider(target)));
}
