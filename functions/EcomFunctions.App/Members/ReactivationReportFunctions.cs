using System.Globalization;
using Azure.Data.Tables;
using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace EcomFunctions.App.Members;

/// <summary>
/// Operator reports of the win-back runs (marketing: CampaignManager or CampaignApprover) and the messages the local
/// channel adapter recorded (what the console shows in development).
/// </summary>
public sealed class ReactivationReportFunctions(ReactivationReports reports, OperatorAuthentication operators, StorageClients storage)
{
    private static readonly string[] Roles = [OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover];

    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("Daily win-back runs, newest first, with their counts.")]
    [QueryParameter("take", typeof(int), "Runs to return (1-366, default 30).")]
    [Function("ListReactivationRuns")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reactivation/runs")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (operators.Require(request, Roles).Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var take = request.QueryInt("take", 30, 1, 366);
        if (take.Problem is { } bad)
        {
            return ApiResult.Problem(bad, request);
        }

        var runs = await reports.ListAsync(take.Value, cancellationToken);
        return ApiResult.Ok(runs.Select(ReactivationRunListItem.Of).ToList());
    }

    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("The report of one run: eligible, targeted, holdout, skipped by reason, messages and cost per channel, conversions and re-engagement in the attribution window, uplift, return per channel, monthly churn.")]
    [Function("GetReactivationRun")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reactivation/runs/{date}")] HttpRequest request,
        string date,
        CancellationToken cancellationToken)
    {
        if (operators.Require(request, Roles).Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var runDate))
        {
            return ApiResult.Problem(Problem.Validation("date", "A date as yyyy-MM-dd."), request);
        }

        return (await reports.GetAsync(runDate, cancellationToken)).ToApiResult(request);
    }

    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("Messages the local channel adapter recorded (development), newest first, addresses masked.")]
    [QueryParameter("take", typeof(int), "Messages to return (1-1000, default 100).")]
    [QueryParameter("channel", typeof(string), "Only this channel (email, sms, push, appInbox).")]
    [Function("ListLocalMessages")]
    public async Task<IActionResult> LocalMessages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reactivation/messages")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (operators.Require(request, Roles).Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var take = request.QueryInt("take", 100, 1, 1000);
        if (take.Problem is { } bad)
        {
            return ApiResult.Problem(bad, request);
        }

        var channel = request.Query["channel"].ToString();
        if (channel.Length > 0 && !Enum.TryParse<ContactChannel>(channel, ignoreCase: true, out _))
        {
            return ApiResult.Problem(Problem.Validation("channel", "One of email, sms, push, appInbox."), request);
        }

        var table = await storage.TableAsync(TableNames.LocalMessages, cancellationToken);
        var query = channel.Length == 0
            ? table.QueryAsync<TableEntity>(cancellationToken: cancellationToken)
            : table.QueryAsync<TableEntity>(e => e.PartitionKey == Enum.Parse<ContactChannel>(channel, true).ToString(), cancellationToken: cancellationToken);
        var all = new List<LocalMessageView>();
        await foreach (var e in query)
        {
            all.Add(new LocalMessageView(e.RowKey, e.PartitionKey, e.GetString("MemberId") ?? "", e.GetString("Address") ?? "", e.GetString("TemplateId") ?? "",
                e.GetString("Subject") ?? "", e.GetString("Body") ?? "", e.GetString("CouponDefinitionId") ?? "", e.GetDouble("CouponAmount") ?? 0,
                e.GetString("RunDate") ?? "", e.GetDateTimeOffset("SendAt"), e.GetDateTimeOffset("DeliveredAt"), e.GetInt32("Deliveries") ?? 1));
        }

        return ApiResult.Ok(all.OrderByDescending(m => m.DeliveredAt).Take(take.Value).ToList());
    }
}
