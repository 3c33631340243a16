using EcomFunctions.LocalHost.Hosting;

// The development host: `dotnet run --project functions/EcomFunctions.LocalHost` (scripts/start does it for you).
using var stopping = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopping.Cancel();
};

await using var host = await LocalFunctionsHost.StartAsync(args, durableEngine: DurableEngines.StartAsync, cancellationToken: stopping.Token);
Console.WriteLine($"EcomFunctions LocalHost listening on {host.BaseAddress} ({host.Functions.Count} functions):");
foreach (var line in host.Describe())
{
    Console.WriteLine("  " + line);
}

Console.WriteLine("Press Ctrl+C to stop.");
try
{
    await host.WaitForShutdownAsync(stopping.Token);
}
catch (OperationCanceledException)
{
    // Ctrl+C: dispose stops the host cleanly.
}
