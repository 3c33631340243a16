using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;

namespace EcomFunctions.LocalHost.Durable;

/// <summary>
/// Connects Durable Task clients and workers to the engine. (Safe keyed starts and event raising live with the App:
/// EcomFunctions.App.Platform.DurableClientExtensions.)
/// </summary>
public static class DurableClientExtensions
{
    /// <summary>Connects a Durable Task client to the engine's sidecar.</summary>
    public static IDurableTaskClientBuilder UseDurableEngine(this IDurableTaskClientBuilder builder, DurableEngine engine)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(engine);
        return builder.UseGrpc(engine.Channel);
    }

    /// <summary>Connects the (single) Durable Task worker to the engine's sidecar.</summary>
    public static IDurableTaskWorkerBuilder UseDurableEngine(this IDurableTaskWorkerBuilder builder, DurableEngine engine)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(engine);
        return builder.UseGrpc(engine.Channel);
    }
}
