using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using EcomFunctions.App.Campaigns;
using EcomFunctions.App.Platform;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;

namespace EcomFunctions.Testing.Faults;

/// <summary>
/// Fault scenario 5: on every queue the App listens to (found from its <c>[QueueTrigger]</c> attributes, so a new queue
/// cannot be missed) an invalid-JSON message and an unknown-version message are parked in <c>&lt;queue&gt;-poison</c>
/// with their reasons, listed by the operators' dead-letter endpoint, and a good message sent after them is processed.
/// </summary>
public static class PoisonScenario
{
    public const string Name = "poison-message-on-every-queue";

    private const string InvalidJson = "{\"not\": json at all";

    /// <summary>The queues named by the App's queue triggers.</summary>
    public static IReadOnlyList<string> TriggeredQueues() => typeof(OperationsFunctions).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
        .SelectMany(m => m.GetParameters())
        .SelectMany(p => p.GetCustomAttributes().Where(a => a.GetType().Name == "QueueTriggerAttribute"))
        .Select(a => (string)a.GetType().GetProperty("QueueName")!.GetValue(a)!)
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal)
        .ToList();

    public static async Task<FaultOutcome> RunAsync(Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var findings = new List<string>();
        var lost = 0;
        var queues = TriggeredQueues();
        progress?.Invoke($"poison: {queues.Count} triggered queues: {string.Join(", ", queues)}");
        foreach (var missing in queues.Except(OperationsFunctions.AppQueues, StringComparer.Ordinal))
        {
            findings.Add($"queue {missing} is triggered but not listed by the dead-letter endpoint");
        }

        await using var host = await FaultHost.StartAsync();
        using var operatorClient = host.CreateClient(principal: CouponCalls.Operator);
        var coupons = new CouponCalls(host.Client, operatorClient);
        var probes = new Dictionary<string, GoodProbe>(StringComparer.Ordinal);
        foreach (var queue in queues)
        {
            if (!Samples.TryGetValue(queue, out var sample))
            {
                findings.Add($"queue {queue} has no good sample message in {nameof(PoisonScenario)}: add one");
                continue;
            }

            var client = new QueueClient(host.Azurite.ConnectionString, queue);
            await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            var unknownVersion = sample(null);
            var versioned = JsonNode.Parse(unknownVersion)!.AsObject();
            versioned["version"] = 99;
            unknownVersion = versioned.ToJsonString();
            await SendAsync(client, InvalidJson, cancellationToken);
            await SendAsync(client, unknownVersion, cancellationToken);
            probes[queue] = queue == QueueNames.CouponBatchChunks
                ? await BatchProbeAsync(coupons)
                : await SendProbeAsync(client, sample, cancellationToken);
            probes[queue] = probes[queue] with { UnknownVersion = unknownVersion };
        }

        foreach (var (queue, probe) in probes)
        {
            var client = new QueueClient(host.Azurite.ConnectionString, queue);
            try
            {
                await Eventually.HoldsAsync(async () =>
                {
                    var drained = (await client.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount == 0;
                    return drained && await probe.Processed();
                }, ok => ok, TimeSpan.FromSeconds(60), $"{queue} drained and its good message processed");
            }
            catch (TimeoutException)
            {
                findings.Add($"{queue}: blocked — the good message after the poison ones was not processed");
                lost++;
            }

            var parked = await DeadLettersAsync(operatorClient, queue, cancellationToken);
            var invalid = parked.Where(m => m.GetProperty("message").GetString() == InvalidJson).ToList();
            var unknown = parked.Where(m => m.GetProperty("message").GetString() == probe.UnknownVersion).ToList();
            if (invalid.Count != 1 || invalid[0].GetProperty("reason").GetString() is not { Length: > 0 })
            {
                findings.Add($"{queue}: invalid JSON parked {invalid.Count} time(s) (expected once, with a reason)");
                lost += invalid.Count == 0 ? 1 : 0;
            }

            if (unknown.Count != 1 || unknown[0].GetProperty("reason").GetString()?.Contains("version 99", StringComparison.OrdinalIgnoreCase) != true)
            {
                findings.Add($"{queue}: unknown version parked {unknown.Count} time(s) with reason '{(unknown.Count > 0 ? unknown[0].GetProperty("reason").GetString() : null)}' (expected once, naming version 99)");
                lost += unknown.Count == 0 ? 1 : 0;
            }

            var others = parked.Count - invalid.Count - unknown.Count;
            if (others != 0)
            {
                findings.Add($"{queue}: {others} other message(s) parked — the good message was refused: {string.Join(" | ", parked.Select(m => m.GetProperty("reason").GetString()))}");
            }
        }

        progress?.Invoke($"poison: {probes.Count} queues probed, {findings.Count} finding(s)");
        return FaultOutcome.From(Name, lost, 0, findings);
    }

    /// <summary>A good message per queue (given an id to make it unique); the unknown-version case is this with version 99.</summary>
    private static readonly Dictionary<string, Func<string?, string>> Samples = new(StringComparer.Ordinal)
    {
        [QueueNames.OutboxDispatch] = _ => EcomJson.Serialize(new OutboxBatch(TableNames.Diagnostics, "probe", ["no-such-event"])),
        [QueueNames.CampaignSpend] = _ => EcomJson.Serialize(new EventDelivery([])),
        [QueueNames.CampaignActivity] = id => EcomJson.Serialize(new StorefrontActivityBatch(id ?? "probe", [], [])),
        [QueueNames.CouponCampaignEvents] = _ => EcomJson.Serialize(new EventDelivery([])),
        [QueueNames.CouponRedemptionTally] = _ => EcomJson.Serialize(new EventDelivery([])),
        [QueueNames.CouponGrants] = _ => EcomJson.Serialize(new CouponGrantBatch([])),
        [QueueNames.CouponBatchChunks] = _ => EcomJson.Serialize(new App.Coupons.CouponBatchChunkMessage("probe", 0, 0, 1)),
        [QueueNames.MemberActivity] = _ => EcomJson.Serialize(new MemberActivityBatch([])),
        [QueueNames.WinBackMessages] = _ => EcomJson.Serialize(new WinBackMessageBatch([])),
        [QueueNames.ReviewModeration] = _ => EcomJson.Serialize(new EventDelivery([])),
        [QueueNames.ReviewEvents] = _ => EcomJson.Serialize(new EventDelivery([])),
    };

    private static async Task<GoodProbe> SendProbeAsync(QueueClient client, Func<string?, string> sample, CancellationToken cancellationToken)
    {
        await SendAsync(client, sample(Guid.NewGuid().ToString("N")), cancellationToken);
        return new GoodProbe(() => Task.FromResult(true), string.Empty);
    }

    /// <summary>A chunk only means something for a real batch: request one, and its chunks are the good messages.</summary>
    private static async Task<GoodProbe> BatchProbeAsync(CouponCalls coupons)
    {
        var definition = await coupons.ActiveDefinitionAsync(quantity: 50);
        var batch = await coupons.RequestBatchAsync(definition, 20, "poison-probe");
        return new GoodProbe(async () => (await coupons.BatchAsync(definition, batch))?.GetProperty("state").GetString() == "completed", string.Empty);
    }

    private static async Task SendAsync(QueueClient client, string text, CancellationToken cancellationToken) =>
        await client.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)), cancellationToken: cancellationToken);

    private static async Task<List<JsonElement>> DeadLettersAsync(HttpClient operatorClient, string queue, CancellationToken cancellationToken)
    {
        var views = await operatorClient.GetFromJsonAsync<JsonElement>($"api/operations/dead-letters?queue={queue}", cancellationToken);
        return views.EnumerateArray().SelectMany(v => v.GetProperty("messages").EnumerateArray()).Select(m => m.Clone()).ToList();
    }

    private sealed record GoodProbe(Func<Task<bool>> Processed, string UnknownVersion);
}
