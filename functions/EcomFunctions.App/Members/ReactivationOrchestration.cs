using System.Globalization;
using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EcomFunctions.App.Members;

/// <summary>Input of a daily run: the business key (date), the decision instant, the fan-out shape and the retry policy.</summary>
public sealed record ReactivationRunInput(DateOnly RunDate, DateTimeOffset RunAt, int PartitionCount, int PageSize, int MaxAttempts, TimeSpan FirstRetryInterval, TimeSpan MaxRetryInterval)
{
    public ReactivationRun Run => new(RunDate, RunAt);
}

public sealed record ReactivationPageInput(DateOnly RunDate, DateTimeOffset RunAt, string Partition, string? ContinuationToken, int PageSize);

/// <summary>A page's outcome. The tally travels as its stored JSON form (<see cref="MemberJson"/>): small and exact.</summary>
public sealed record ReactivationPageOutput(string? ContinuationToken, int Scanned, string TallyJson);

public sealed record ReactivationCompletion(ReactivationRunInput Run, string TallyJson);

/// <summary>
/// The daily win-back run (DESIGN §7): a timer at the store's 10:00 (an app setting in UTC: Flex Consumption has no time
/// zone setting) and an operator endpoint start orchestration <c>reactivation-{yyyy-MM-dd}</c> once — a second firing,
/// a retried request or a restart of a completed run is a no-op. The orchestrator fans out over the member partitions;
/// each partition is a chain of page activities (100–1 000 members each, <see cref="ReactivationBatches"/>), retried with
/// back-off. Pages are idempotent by (run date, member), so a run resumed after a crash or a retried page never sends twice.
/// </summary>
public sealed class ReactivationOrchestration(
    ReactivationBatches batches,
    IReactivationLedger ledger,
    MemberOptions memberOptions,
    ReactivationOptions options,
    IOptions<MemberRunOptions> runOptions,
    OperatorAuthentication operators,
    TimeProvider time,
    ILogger<ReactivationOrchestration> logger)
{
    [Function("ReactivationTimer")]
    public async Task Timer([TimerTrigger("%ReactivationSchedule%")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var run = ReactivationRun.Start(time.GetUtcNow(), memberOptions);
        var started = await StartAsync(client, run, cancellationToken);
        logger.LogInformation("Reactivation run {InstanceId}: {Outcome}.", run.InstanceId, started ? "started" : "already started or done");
    }

    /// <summary>Operators start (or resume a failed) run for a store-local date: today, or a missed earlier day.</summary>
    [OperatorEndpoint(OperatorRoles.CampaignManager)]
    [ApiSummary("Starts the daily win-back run for a store date (today, or a missed day within 30 days); a completed or running run is not started again.")]
    [Function("StartReactivationRun")]
    public async Task<IActionResult> StartByHand(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reactivation/runs/{date}")] HttpRequest request,
        string date,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var who = operators.Require(request, OperatorRoles.CampaignManager);
        if (who.Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var runDate))
        {
            return ApiResult.Problem(Problem.Validation("date", "A date as yyyy-MM-dd."), request);
        }

        var now = time.GetUtcNow();
        var today = ZonedTime.LocalDate(now, memberOptions.StoreZone);
        if (runDate > today || runDate < today.AddDays(-30))
        {
            return ApiResult.Problem(Problem.Validation("date", $"Runs can be started for {today.AddDays(-30):yyyy-MM-dd} to {today:yyyy-MM-dd} (store time)."), request);
        }

        // A missed day is decided as of its usual start time; today's run as of now.
        var scheduled = ZonedTime.ToInstant(runDate.ToDateTime(options.RunAt), memberOptions.StoreZone);
        var run = new ReactivationRun(runDate, runDate == today ? now : scheduled);
        var started = await StartAsync(client, run, cancellationToken);
        logger.LogInformation("Reactivation run {InstanceId} requested by {Operator}: {Outcome}.", run.InstanceId, who.Value!.Id, started ? "started" : "not started");
        return ApiResult.Accepted(new { instanceId = run.InstanceId, runDate = date, started }, $"/api/reactivation/runs/{date}");
    }

    [Function(nameof(ReactivationOrchestrator))]
    public static async Task<string> ReactivationOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<ReactivationRunInput>()!;
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(Math.Max(1, input.MaxAttempts), input.FirstRetryInterval, 2.0, input.MaxRetryInterval));
        if (!await context.CallActivityAsync<bool>(nameof(BeginReactivationRun), input, retry))
        {
            return "already completed";
        }

        var partitions = MemberPartitions.All(input.PartitionCount);
        var pages = await Task.WhenAll(partitions.Select(p => RunPartitionAsync(context, input, p, retry)));
        var total = new ReactivationTally();
        foreach (var tally in pages.SelectMany(p => p))
        {
            total.Merge(MemberJson.Deserialize<ReactivationTally>(tally));
        }

        await context.CallActivityAsync(nameof(CompleteReactivationRun), new ReactivationCompletion(input, MemberJson.Serialize(total)), retry);
        return string.Create(CultureInfo.InvariantCulture, $"scanned {total.Scanned}, targeted {total.Targeted}, holdout {total.Holdout}");
    }

    /// <summary>Records the run as running; false when the ledger says this date already completed (nothing to do).</summary>
    [Function(nameof(BeginReactivationRun))]
    public async Task<bool> BeginReactivationRun([ActivityTrigger] ReactivationRunInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var existing = await ledger.GetRunAsync(input.RunDate, cancellationToken);
        if (existing?.Status == RunStatus.Completed)
        {
            return false;
        }

        await ledger.SaveRunAsync(new ReactivationRunSummary(input.RunDate, input.RunAt, RunStatus.Running, existing?.StartedAt ?? time.GetUtcNow(), null,
            new ReactivationTally()), cancellationToken);
        return true;
    }

    [Function(nameof(ReactivationPage))]
    public async Task<ReactivationPageOutput> ReactivationPage([ActivityTrigger] ReactivationPageInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var page = await batches.ProcessPageAsync(new ReactivationRun(input.RunDate, input.RunAt), input.Partition, input.ContinuationToken, input.PageSize, cancellationToken);
        return new ReactivationPageOutput(page.ContinuationToken, page.MembersScanned, MemberJson.Serialize(page.Result));
    }

    [Function(nameof(CompleteReactivationRun))]
    public async Task CompleteReactivationRun([ActivityTrigger] ReactivationCompletion completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var existing = await ledger.GetRunAsync(completion.Run.RunDate, cancellationToken);
        await ledger.SaveRunAsync(new ReactivationRunSummary(completion.Run.RunDate, completion.Run.RunAt, RunStatus.Completed,
            existing?.StartedAt ?? time.GetUtcNow(), time.GetUtcNow(), MemberJson.Deserialize<ReactivationTally>(completion.TallyJson)), cancellationToken);
    }

    /// <summary>Starts the run's orchestration unless the date's run completed or is already active.</summary>
    public async Task<bool> StartAsync(DurableTaskClient client, ReactivationRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(run);
        if ((await ledger.GetRunAsync(run.RunDate, cancellationToken))?.Status == RunStatus.Completed)
        {
            return false;
        }

        var instance = await client.GetInstanceAsync(run.InstanceId, getInputsAndOutputs: false, cancellationToken);
        if (instance?.RuntimeStatus == OrchestrationRuntimeStatus.Completed)
        {
            return false;
        }

        var settings = runOptions.Value;
        var input = new ReactivationRunInput(run.RunDate, run.Now, memberOptions.PartitionCount, options.PageSize, settings.ActivityMaxAttempts, settings.ActivityFirstRetryInterval, settings.ActivityMaxRetryInterval);
        return await client.StartOnceAsync(nameof(ReactivationOrchestrator), run.InstanceId, input, cancellationToken);
    }

    private static async Task<List<string>> RunPartitionAsync(TaskOrchestrationContext context, ReactivationRunInput input, string partition, TaskOptions retry)
    {
        var tallies = new List<string>();
        string? token = null;
        do
        {
            var page = await context.CallActivityAsync<ReactivationPageOutput>(nameof(ReactivationPage),
                new ReactivationPageInput(input.RunDate, input.RunAt, partition, token, input.PageSize), retry);
            tallies.Add(page.TallyJson);
            token = page.ContinuationToken;
        }
        while (token is not null);

        return tallies;
    }
}
