using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace EcomFunctions.App.Campaigns;

/// <summary>Which campaign ids exist, remembered for a while so event intake does not read the campaign on every request.</summary>
public sealed class KnownCampaigns(ICampaignRepository campaigns, TimeProvider time)
{
    private static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, DateTimeOffset> known = new(StringComparer.Ordinal);

    public async Task<bool> ExistsAsync(string campaignId, CancellationToken cancellationToken)
    {
        if (known.TryGetValue(campaignId, out var until) && until > time.GetUtcNow())
        {
            return true;
        }

        if (await campaigns.GetAsync(campaignId, cancellationToken) is null)
        {
            return false;
        }

        if (known.Count > 10_000)
        {
            known.Clear();
        }

        known[campaignId] = time.GetUtcNow() + RememberFor;
        return true;
    }
}

/// <summary>
/// The storefront's endpoints (function key): the live offers a member can use now, and storefront events (visits, page
/// views, orders, sign-ups) queued in packed batches for the hourly counters and the order directory.
/// </summary>
public sealed class StorefrontFunctions(
    CampaignStorefront storefront,
    IMemberTierLookup tiers,
    KnownCampaigns knownCampaigns,
    IQueueSender queue,
    DeadLetters deadLetters,
    OrderDirectory orders,
    IOptions<CampaignRuntimeOptions> runtime,
    TimeProvider time)
{
    /// <summary>Queue messages are at most 64 KiB after Base64; JSON below this many characters stays clear of it.</summary>
    private const int MaxMessageChars = 40_000;

    /// <summary>
    /// Every offer live now for the member (tier from the Members capability's published tiers, Regular when unknown;
    /// segments and the new-user flag as the storefront knows them), each with its end and seconds remaining.
    /// </summary>
    [Function("ListStorefrontOffers")]
    [ApiSummary("Every offer live now for the member, with its end and seconds remaining.")]
    [QueryParameter("memberId", typeof(string), "The member (tier from the Members capability).", Required = true)]
    [QueryParameter("segments", typeof(string), "The member's segments, comma-separated.")]
    [QueryParameter("newUser", typeof(bool), "Whether the member is a new user.")]
    [ProducesResponseType(typeof(StorefrontOffersView), StatusCodes.Status200OK)]
    public async Task<IActionResult> Offers(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "storefront/offers")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var memberId = request.Query["memberId"].ToString();
        errors.AddIf(memberId.Length == 0 || memberId.Length > StorefrontActivity.MaxIdLength || !TableKeys.IsValid(memberId), "memberId",
            $"Required; at most {StorefrontActivity.MaxIdLength} characters, no '/', '\\', '#', '?' or control characters.");
        var segments = request.Query["segments"].ToString()
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        errors.AddIf(segments.Length > CampaignPlanRules.MaxSegments || segments.Any(s => s.Length > CampaignPlanRules.MaxShortTextLength), "segments",
            $"At most {CampaignPlanRules.MaxSegments} segments of at most {CampaignPlanRules.MaxShortTextLength} characters.");
        var rawNewUser = request.Query["newUser"].ToString();
        var newUser = false;
        errors.AddIf(rawNewUser.Length > 0 && !bool.TryParse(rawNewUser, out newUser), "newUser", "true or false.");
        if (errors.ToProblem() is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var tier = await tiers.GetTierAsync(memberId, cancellationToken) ?? MemberTier.Regular;
        var offers = await storefront.ListOffersAsync(new ShopperProfile(memberId, tier, segments, newUser), cancellationToken);
        return CampaignHttp.Ok(new StorefrontOffersView(memberId, tier, time.GetUtcNow(), offers))
            .WithHeader("Cache-Control", "private, max-age=1");
    }

    /// <summary>Accepts a batch of storefront events (202); invalid events refuse the whole batch with field errors (400).</summary>
    [Function("ReportStorefrontEvents")]
    [ApiSummary("A batch of storefront events (visits, page views, orders, sign-ups) for the hourly campaign metrics; retries with the same batch id count once.")]
    [RequestBody(typeof(StorefrontEventsRequest))]
    [ProducesResponseType(typeof(StorefrontEventsAccepted), StatusCodes.Status202Accepted)]
    [ProducesResponseType(StatusCodes.Status413PayloadTooLarge)]
    public async Task<IActionResult> Events(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "storefront/events")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var input = await request.ReadValidatedAsync<StorefrontEventsRequest>(cancellationToken);
        if (input.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var body = input.Value!;
        var max = runtime.Value.MaxEventsPerRequest;
        if (body.Events.Count > max)
        {
            return ApiResult.Problem(new Problem(ProblemKind.TooLarge, "Too many events.", $"At most {max} events per request.", Code: "batch-too-large"), request);
        }

        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        var groups = new List<(List<ActivityMessage> Activities, OrderMessage? Order)>(body.Events.Count);
        for (var i = 0; i < body.Events.Count; i++)
        {
            var e = body.Events[i];
            var (activities, order) = ToActivities(e);
            foreach (var activity in activities)
            {
                errors.Merge(activity.ToActivity().Validate(now, CampaignStorefront.AllowedClockSkew), $"events[{i}]");
            }

            if (e.CampaignId is { } campaignId && CampaignPlanRules.IsValidCampaignId(campaignId) && !await knownCampaigns.ExistsAsync(campaignId, cancellationToken))
            {
                errors.Add($"events[{i}].campaignId", $"Unknown campaign '{campaignId}'.");
            }

            groups.Add((activities, order));
        }

        if (errors.ToProblem() is { } refused)
        {
            return ApiResult.Problem(refused, request);
        }

        var batchId = body.BatchId ?? request.IdempotencyKey() ?? BodyHash(await request.ReadBodyAsync(cancellationToken));
        var messages = Pack(batchId, groups);
        foreach (var message in messages)
        {
            await queue.SendAsync(QueueNames.CampaignActivity, message, cancellationToken: cancellationToken);
        }

        return ApiResult.Accepted(new StorefrontEventsAccepted(batchId, body.Events.Count, groups.Sum(g => g.Activities.Count), messages.Count));
    }

    /// <summary>
    /// Queue side: distinct visitors, new members and participants are marked, the batch becomes hourly counter increments
    /// (campaign and store-wide) under its batch id, and orders go to the order directory. A redelivered message adds nothing.
    /// </summary>
    [Function("RecordStorefrontActivity")]
    public async Task Record([QueueTrigger(QueueNames.CampaignActivity)] string message, CancellationToken cancellationToken)
    {
        var batch = QueueMessages.Read<StorefrontActivityBatch>(message);
        if (batch.Problem is { } problem)
        {
            await deadLetters.ParkAsync(QueueNames.CampaignActivity, message, QueueMessages.Reason(problem), cancellationToken);
            return;
        }

        var value = batch.Value!;
        var recorded = await storefront.RecordAsync(value.BatchId, value.Activities.Select(a => a.ToActivity()).ToList(), cancellationToken);
        if (!recorded.IsSuccess)
        {
            await deadLetters.ParkAsync(QueueNames.CampaignActivity, message, QueueMessages.Reason(recorded.Problem!), cancellationToken);
            return;
        }

        foreach (var order in value.Orders)
        {
            await orders.RecordAsync(new OrderRecord(order.MemberId, order.OrderId, order.ProductIds, order.Amount, order.PlacedAt, order.Channel), cancellationToken);
        }
    }

    /// <summary>
    /// One storefront event as counter activities: an order is an order, its member's participation and — for a new
    /// member — a sign-up (each counted once per member and campaign); a visit by a known member uses the member id.
    /// </summary>
    private static (List<ActivityMessage> Activities, OrderMessage? Order) ToActivities(StorefrontEvent e)
    {
        var campaign = e.CampaignId ?? "";
        ActivityMessage Activity(StorefrontActivityKind kind, string? visitor, decimal value = 0, IReadOnlyList<OrderLine>? lines = null) =>
            new(kind, campaign, e.OccurredAt, e.Channel, e.Variant, visitor, value, lines);
        var activities = new List<ActivityMessage>();
        OrderMessage? order = null;
        switch (e.Type)
        {
            case StorefrontEventType.Visit:
                activities.Add(Activity(StorefrontActivityKind.Visit, e.VisitorId ?? e.MemberId));
                break;
            case StorefrontEventType.PageView:
                activities.Add(Activity(StorefrontActivityKind.PageView, e.VisitorId ?? e.MemberId));
                break;
            case StorefrontEventType.SignUp:
                activities.Add(Activity(StorefrontActivityKind.SignUp, e.MemberId));
                break;
            case StorefrontEventType.Participation:
                activities.Add(Activity(StorefrontActivityKind.Participation, e.MemberId));
                break;
            case StorefrontEventType.Order:
                activities.Add(Activity(StorefrontActivityKind.Order, e.MemberId, e.Value ?? 0, e.Lines));
                if (campaign.Length > 0)
                {
                    activities.Add(Activity(StorefrontActivityKind.Participation, e.MemberId));
                }

                if (e.NewMember)
                {
                    activities.Add(Activity(StorefrontActivityKind.SignUp, e.MemberId));
                }

                if (e.MemberId is { } member && e.OrderId is { } orderId)
                {
                    order = new OrderMessage(member, orderId, [.. (e.Lines ?? []).Select(l => l.Sku).Distinct(StringComparer.Ordinal)], e.Value ?? 0, e.OccurredAt, e.Channel.ToString());
                }

                break;
        }

        return (activities, order);
    }

    /// <summary>Packs event groups (an order stays with its activities) into messages under the size limit.</summary>
    private static List<StorefrontActivityBatch> Pack(string batchId, IReadOnlyList<(List<ActivityMessage> Activities, OrderMessage? Order)> groups)
    {
        var messages = new List<StorefrontActivityBatch>();
        var activities = new List<ActivityMessage>();
        var orders = new List<OrderMessage>();
        var size = 0;
        void Flush()
        {
            if (activities.Count > 0 || orders.Count > 0)
            {
                messages.Add(new StorefrontActivityBatch($"{batchId}:{messages.Count}", [.. activities], [.. orders]));
                activities.Clear();
                orders.Clear();
                size = 0;
            }
        }

        foreach (var (groupActivities, order) in groups)
        {
            var groupSize = groupActivities.Sum(a => EcomJson.Serialize(a).Length) + (order is null ? 0 : EcomJson.Serialize(order).Length);
            if (size + groupSize > MaxMessageChars)
            {
                Flush();
            }

            activities.AddRange(groupActivities);
            if (order is not null)
            {
                orders.Add(order);
            }

            size += groupSize;
        }

        Flush();
        return messages;
    }

    private static string BodyHash(Result<byte[]> body) =>
        "h" + Convert.ToHexStringLower(SHA256.HashData(body.Value ?? Encoding.UTF8.GetBytes(""))).AsSpan(0, 32).ToString();
}
