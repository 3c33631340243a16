using System.Reflection;
using System.Text.Json;
using EcomFunctions.Bench;

// Every IBenchScenario in this assembly is runnable by name: ./scripts/bench <name>.
var scenarios = typeof(IBenchScenario).Assembly.GetTypes()
    .Where(t => typeof(IBenchScenario).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchScenario)Activator.CreateInstance(t)!)
    .ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

if (args.Length == 0 || !scenarios.TryGetValue(args[0], out var scenario))
{
    Console.Error.WriteLine("usage: bench <name> [options]; names: " + string.Join(", ", scenarios.Keys.Order()));
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancellation.Cancel(); };
var summary = await scenario.RunAsync(args[1..], cancellation.Token);
summary["name"] = scenario.Name;
// The summary is the last stdout line, one JSON object; "name" first and "pass" last reads best.
var ordered = new Dictionary<string, object?> { ["name"] = scenario.Name };
foreach (var (key, value) in summary.Where(kv => kv.Key is not "name" and not "pass"))
{
    ordered[key] = value;
}

ordered["pass"] = summary.TryGetValue("pass", out var pass) && pass is true;
Console.Out.Flush();
Console.WriteLine(JsonSerializer.Serialize(ordered));
return ordered["pass"] is true ? 0 : 1;
