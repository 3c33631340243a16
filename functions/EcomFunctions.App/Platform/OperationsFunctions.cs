using System.Reflection;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace EcomFunctions.App.Platform;

public sealed record PoisonQueueView(string Queue, int ApproximateCount, IReadOnlyList<DeadLetterView> Messages);

public sealed record DeadLetterView(string MessageId, string Reason, DateTimeOffset ParkedAt, string Message);

/// <summary>What operators need to see that nothing was lost: parked messages per queue, and the events published.</summary>
public sealed class OperationsFunctions(OperatorAuthentication operators, StorageClients storage, LocalEventSink localEvents)
{
    /// <summary>Every queue the App reads, from the single list of queue names.</summary>
    public static IReadOnlyList<string> AppQueues { get; } = typeof(QueueNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string) && f.Name != nameof(QueueNames.PoisonSuffix))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Order(StringComparer.Ordinal)
        .ToList();

    [Function("ListDeadLetters")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover, OperatorRoles.Moderator, OperatorRoles.Merchant)]
    [ApiSummary("Messages parked in each queue's poison twin, with the reason.")]
    [QueryParameter("queue", typeof(string), "Only this queue.")]
    [ProducesResponseType(typeof(IReadOnlyList<PoisonQueueView>), StatusCodes.Status200OK)]
    public async Task<IActionResult> DeadLetters(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "operations/dead-letters")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var principal = operators.Require(request, [.. OperatorRoles.All]);
        if (principal.Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var only = request.Query["queue"].ToString();
        var views = new List<PoisonQueueView>();
        foreach (var queue in AppQueues.Where(q => only.Length == 0 || q == only))
        {
            var poison = await storage.QueueAsync(QueueNames.Poison(queue), cancellationToken);
            var properties = await poison.GetPropertiesAsync(cancellationToken);
            var peeked = await poison.PeekMessagesAsync(32, cancellationToken);
            var messages = peeked.Value.Select(m =>
            {
                var letter = Storage.DeadLetters.Describe(queue, m.Body.ToString(), m.InsertedOn);
                return new DeadLetterView(m.MessageId, letter.Reason, letter.ParkedAt, letter.Message);
            }).ToList();
            views.Add(new PoisonQueueView(queue, properties.Value.ApproximateMessagesCount, messages));
        }

        return ApiResult.Ok(views);
    }

    [Function("ListPublishedEvents")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover, OperatorRoles.Moderator, OperatorRoles.Merchant)]
    [ApiSummary("Domain events delivered to the local event sink (when no Event Grid endpoint is configured), newest first.")]
    [QueryParameter("type", typeof(string), "Only events of this CloudEvents type.")]
    [QueryParameter("take", typeof(int), "At most this many (1-1000, default 100).")]
    [ProducesResponseType(typeof(IReadOnlyList<DomainEvent>), StatusCodes.Status200OK)]
    public async Task<IActionResult> Events(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "operations/events")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var principal = operators.Require(request, [.. OperatorRoles.All]);
        if (principal.Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var take = request.QueryInt("take", 100, 1, 1000);
        if (take.Problem is { } bad)
        {
            return ApiResult.Problem(bad, request);
        }

        var type = request.Query["type"].ToString();
        return ApiResult.Ok(await localEvents.ListAsync(type.Length == 0 ? null : type, take.Value, cancellationToken));
    }
}
