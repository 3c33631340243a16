using System.Text.Json;
using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using EcomFunctions.Storage.Campaigns;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.App.Campaigns;

/// <summary>
/// The campaign budget: live status and variance (planned vs actual per line), the spend entries, paid-promotion and
/// cost entries booked by operators, audited reallocation between lines, and spend from coupon redemptions.
/// </summary>
public sealed class CampaignBudgetFunctions(
    CampaignBudgets budgets,
    CampaignPlanning planning,
    TableBudgetLedger ledger,
    CampaignPublication publication,
    CampaignHttp http,
    DeadLetters deadLetters,
    CampaignOptions options,
    TimeProvider time,
    ILogger<CampaignBudgetFunctions> logger)
{
    [Function("GetCampaignBudget")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("Live spend per line, channel and variant; planned vs actual (the variance report).")]
    [ProducesResponseType(typeof(CampaignBudgetView), StatusCodes.Status200OK)]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{campaignId}/budget")] HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken)
    {
        var actor = http.Actor(request, CampaignHttp.AnyCampaignRole);
        if (actor.Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var campaign = await planning.GetAsync(campaignId, cancellationToken);
        if (!campaign.IsSuccess)
        {
            return ApiResult.Problem(campaign.Problem!, request);
        }

        var spend = await ledger.SummarizeAsync(campaignId, cancellationToken);
        var c = campaign.Value!;
        return CampaignHttp.Ok(new CampaignBudgetView(BudgetStatus.Compute(c, spend), spend, c.Reallocations, c.RaisedBudgetAlerts))
            .WithHeader("ETag", CampaignHttp.ETagOf(c.Version));
    }

    [Function("ListCampaignSpend")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("The spend entries booked on the campaign.")]
    [ProducesResponseType(typeof(IReadOnlyList<SpendEntry>), StatusCodes.Status200OK)]
    public async Task<IActionResult> Entries(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{campaignId}/budget/entries")] HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken)
    {
        var actor = http.Actor(request, CampaignHttp.AnyCampaignRole);
        if (actor.Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var campaign = await planning.GetAsync(campaignId, cancellationToken);
        return campaign.IsSuccess
            ? CampaignHttp.Ok(await ledger.ListEntriesAsync(campaignId, cancellationToken))
            : ApiResult.Problem(campaign.Problem!, request);
    }

    /// <summary>Books a paid-promotion or other cost entry; the same entry id again records nothing (200 with duplicates = 1).</summary>
    [Function("RecordCampaignSpend")]
    [OperatorEndpoint(OperatorRoles.CampaignManager)]
    [ApiSummary("Books a paid-promotion or other cost entry (idempotent per entry id); the budget guard runs at once.")]
    [RequestBody(typeof(SpendRequest))]
    [ProducesResponseType(typeof(CampaignSpendBookedView), StatusCodes.Status201Created)]
    [ProducesResponseType(typeof(CampaignSpendBookedView), StatusCodes.Status200OK)]
    public async Task<IActionResult> Spend(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{campaignId}/budget/spend")] HttpRequest request,
        string campaignId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var command = await http.ReadCommandAsync<SpendRequest>(request, [OperatorRoles.CampaignManager], cancellationToken);
        if (command.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var (actor, body, _) = command.Value!;
        var at = body.At ?? time.GetUtcNow();
        var entry = body.Source == OperatorSpendSource.PaidPromotion
            ? SpendEntry.ForPaidPromotion(campaignId, body.EntryId, body.Amount, at, body.Channel, body.Line ?? BudgetLineKind.PlatformPromotion)
            : new SpendEntry { EntryId = $"cost:{body.EntryId}", CampaignId = campaignId, Line = body.Line!.Value, Amount = body.Amount, At = at, Source = SpendSource.Cost, Channel = body.Channel, Reference = body.EntryId };
        entry = entry with { Variant = body.Variant, MechanicId = body.MechanicId, Reference = body.Reference ?? entry.Reference };
        var recorded = await budgets.RecordSpendAsync(campaignId, [entry], cancellationToken);
        if (!recorded.IsSuccess)
        {
            // The use case checks batches ("entries[0].amount"); this endpoint books one entry ("amount").
            var problem = recorded.Problem!;
            if (problem.Errors is { Count: > 0 } fieldErrors)
            {
                problem = problem with { Errors = fieldErrors.ToDictionary(e => e.Key.StartsWith("entries[0].", StringComparison.Ordinal) ? e.Key["entries[0].".Length..] : e.Key, e => e.Value) };
            }

            return ApiResult.Problem(problem, request);
        }

        var r = recorded.Value!;
        await SignalIfGuardActedAsync(client, campaignId, r.Check, actor.Id, cancellationToken);
        return CampaignHttp.Json(r.Recorded > 0 ? StatusCodes.Status201Created : StatusCodes.Status200OK,
            new CampaignSpendBookedView(r.Recorded, r.Duplicates, r.Budget, [.. r.Check.NewAlerts.Select(a => a.Describe())], r.Campaign.PausedMechanics));
    }

    /// <summary>Moves money between lines (audited); mechanics the guard paused resume once the burn is under 100 % again.</summary>
    [Function("ReallocateCampaignBudget")]
    [OperatorEndpoint(OperatorRoles.CampaignManager)]
    [ApiSummary("Moves money between budget lines (audited); mechanics paused for lack of budget resume.")]
    [RequestBody(typeof(ReallocationRequest))]
    [ProducesResponseType(typeof(CampaignReallocatedView), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Reallocate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{campaignId}/budget/reallocations")] HttpRequest request,
        string campaignId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var command = await http.ReadCommandAsync<ReallocationRequest>(request, [OperatorRoles.CampaignManager], cancellationToken);
        if (command.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var (actor, body, expected) = command.Value!;
        var reallocated = await budgets.ReallocateAsync(campaignId, body.From, body.To, body.Amount, body.Reason, expected, actor, cancellationToken);
        if (!reallocated.IsSuccess)
        {
            return ApiResult.Problem(reallocated.Problem!, request);
        }

        var r = reallocated.Value!;
        await publication.SyncAsync(r.Campaign, cancellationToken);
        await CampaignSignals.RaiseAsync(client, campaignId, CampaignSignals.Budget,
            new CampaignSignal(CampaignSignals.Budget, actor.Id, body.Reason, time.GetUtcNow()), cancellationToken);
        return CampaignHttp.Json(StatusCodes.Status200OK, new CampaignReallocatedView(r.Budget, r.Campaign.PausedMechanics, CampaignView.Of(r.Campaign)))
            .WithHeader("ETag", CampaignHttp.ETagOf(r.Campaign.Version));
    }

    /// <summary>
    /// Coupon redemptions (the Coupons capability's CouponRedeemed events, delivered packed and at least once) booked as
    /// spend at face value on the mechanic spend line. The coupon id keys the entry, so a redelivered event — or the
    /// same redemption under another event id — is recorded once. Events of unknown campaigns are skipped.
    /// </summary>
    [Function("BookCouponRedemptions")]
    public async Task BookRedemptions(
        [QueueTrigger(QueueNames.CampaignSpend)] string message,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var delivery = QueueMessages.Read<EventDelivery>(message);
        if (delivery.Problem is { } problem)
        {
            await deadLetters.ParkAsync(QueueNames.CampaignSpend, message, QueueMessages.Reason(problem), cancellationToken);
            return;
        }

        var redemptions = new List<(DomainEvent Event, CouponRedeemed Data)>();
        var unreadable = new List<string>();
        foreach (var e in delivery.Value!.Events.Where(e => e.Type == CouponEventTypes.CouponRedeemed).DistinctBy(e => e.Id))
        {
            CouponRedeemed? data = null;
            try
            {
                data = JsonSerializer.Deserialize<CouponRedeemed>(e.DataJson, CouponEventTypes.JsonOptions);
            }
            catch (JsonException)
            {
                // Reported below with the other unreadable events.
            }

            if (data is null || string.IsNullOrWhiteSpace(data.CouponId))
            {
                unreadable.Add(e.Id);
            }
            else if (!string.IsNullOrEmpty(data.CampaignId))
            {
                redemptions.Add((e, data));
            }
        }

        foreach (var campaign in redemptions.GroupBy(r => r.Data.CampaignId!, StringComparer.Ordinal))
        {
            var entries = campaign
                .Select(r => SpendEntry.ForCouponRedemption(campaign.Key, r.Data.CouponId, r.Data.FaceValue > 0 ? r.Data.FaceValue : r.Data.Discount, r.Data.RedeemedAt, options))
                .Where(e => e.Amount > 0)
                .DistinctBy(e => e.EntryId)
                .ToList();
            foreach (var batch in entries.Chunk(CampaignBudgets.MaxBatch))
            {
                var recorded = await budgets.RecordSpendAsync(campaign.Key, batch, cancellationToken);
                if (!recorded.IsSuccess)
                {
                    if (recorded.Problem!.Kind == ProblemKind.NotFound)
                    {
                        logger.LogWarning("Coupon redemptions for unknown campaign {CampaignId} skipped ({Count}).", campaign.Key, batch.Length);
                        continue;
                    }

                    if (recorded.Problem.Kind == ProblemKind.Validation)
                    {
                        await deadLetters.ParkAsync(QueueNames.CampaignSpend, message, $"campaign {campaign.Key}: {QueueMessages.Reason(recorded.Problem)}", cancellationToken);
                        continue;
                    }

                    throw new InvalidOperationException($"Booking spend for campaign {campaign.Key} failed: {recorded.Problem.Detail}");
                }

                await SignalIfGuardActedAsync(client, campaign.Key, recorded.Value!.Check, "budget-guard", cancellationToken);
            }
        }

        if (unreadable.Count > 0)
        {
            await deadLetters.ParkAsync(QueueNames.CampaignSpend, message, $"Unreadable CouponRedeemed data in event(s) {string.Join(", ", unreadable)}.", cancellationToken);
        }
    }

    /// <summary>When the guard raised an alert or paused or resumed mechanics, the orchestration takes a snapshot at once.</summary>
    private async Task SignalIfGuardActedAsync(DurableTaskClient client, string campaignId, BudgetCheck check, string by, CancellationToken cancellationToken)
    {
        if (check.NewAlerts.Count > 0 || check.PauseSpendingMechanics || check.ResumeBudgetPausedMechanics)
        {
            foreach (var alert in check.NewAlerts)
            {
                logger.LogWarning("Campaign {CampaignId}: {Alert}.", campaignId, alert.Describe());
            }

            await CampaignSignals.RaiseAsync(client, campaignId, CampaignSignals.Budget,
                new CampaignSignal(CampaignSignals.Budget, by, string.Join("; ", check.NewAlerts.Select(a => a.Describe())), time.GetUtcNow()), cancellationToken);
        }
    }
}
