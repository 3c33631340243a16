using System.Collections.Concurrent;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EcomFunctions.App.Members;

/// <summary>
/// The member-activity queue (Reviews send ReviewApproved; storefront back ends may send any activity in bulk). At least
/// once: every activity is idempotent by its id, so a redelivered batch changes nothing. Per item: invalid input or an
/// unknown member → parked (with the reason; operators replay once the profile is synced); an erased member → dropped on
/// purpose; a storage outage → the batch is retried by the host (applied items are then duplicates).
/// </summary>
public sealed class MemberActivityQueueFunction(
    MemberActivities activities,
    DeadLetters deadLetters,
    IOptions<MemberRunOptions> runOptions,
    ILogger<MemberActivityQueueFunction> logger)
{
    [Function("ApplyMemberActivities")]
    public async Task Run([QueueTrigger(QueueNames.MemberActivity)] string message, CancellationToken cancellationToken)
    {
        var batch = QueueMessages.Read<MemberActivityBatch>(message);
        if (batch.Problem is { } unreadable)
        {
            await deadLetters.ParkAsync(QueueNames.MemberActivity, message, QueueMessages.Reason(unreadable), cancellationToken);
            return;
        }

        var parked = new ConcurrentBag<(MemberActivityReport Report, string Reason)>();
        var transient = new ConcurrentBag<Problem>();
        // Activities of one member in order (they would only collide on its ETag); members in parallel.
        var byMember = batch.Value!.Activities.Where(a => a is not null).GroupBy(a => a.MemberId ?? string.Empty, StringComparer.Ordinal);
        await Parallel.ForEachAsync(byMember, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, runOptions.Value.ActivityQueueParallelism), CancellationToken = cancellationToken },
            async (group, ct) =>
            {
                foreach (var report in group)
                {
                    var activity = new MemberActivity
                    {
                        ActivityId = report.ActivityId ?? string.Empty,
                        Kind = report.Kind,
                        OccurredAt = report.OccurredAt,
                        AmountPaid = report.AmountPaid,
                        WithPhoto = report.WithPhoto,
                        TaskCode = report.TaskCode,
                    };
                    var result = await activities.RecordAsync(group.Key, activity, ct);
                    switch (result.Problem)
                    {
                        case null:
                            break;
                        case { Kind: ProblemKind.Gone }:
                            logger.LogInformation("Activity {ActivityId} dropped: member {MemberId} was erased.", report.ActivityId, group.Key);
                            break;
                        case { Kind: ProblemKind.Validation or ProblemKind.NotFound } problem:
                            parked.Add((report, QueueMessages.Reason(problem) + " " + problem.Detail));
                            break;
                        case var problem:
                            transient.Add(problem);
                            break;
                    }
                }
            });

        if (!parked.IsEmpty)
        {
            var items = parked.ToList();
            await deadLetters.ParkAsync(QueueNames.MemberActivity, EcomJson.Serialize(new MemberActivityBatch(items.Select(p => p.Report).ToList())),
                string.Join(" | ", items.Select(p => $"{p.Report.MemberId}/{p.Report.ActivityId}: {p.Reason}").Distinct().Take(20)), cancellationToken);
        }

        if (transient.TryPeek(out var failure))
        {
            // Thrown so the host retries the message; the activities applied meanwhile are recognised by their ids.
            throw new InvalidOperationException($"{transient.Count} activities could not be applied now: {failure.Detail}");
        }
    }
}

/// <summary>
/// The win-back sender: delivers packed messages through the channel adapters (<see cref="WinBackDelivery"/>). Messages
/// that arrive before their send time (queue delays end at 7 days) or whose delivery is claimed by another attempt are
/// enqueued again for later; temporary channel failures are retried with a doubling delay and parked after
/// <see cref="MemberRunOptions.SenderMaxAttempts"/> (their claim is released, so a replay delivers them once). Nothing is
/// dropped, and the delivery claim makes every duplicate a no-op.
/// </summary>
public sealed class WinBackSenderFunction(
    WinBackDelivery delivery,
    QueueMessageOutbox outbox,
    DeadLetters deadLetters,
    IOptions<MemberRunOptions> runOptions,
    TimeProvider time,
    ILogger<WinBackSenderFunction> logger)
{
    [Function("DeliverWinBackMessages")]
    public async Task Run([QueueTrigger(QueueNames.WinBackMessages)] string message, CancellationToken cancellationToken)
    {
        var read = QueueMessages.Read<WinBackMessageBatch>(message);
        if (read.Problem is { } unreadable)
        {
            await deadLetters.ParkAsync(QueueNames.WinBackMessages, message, QueueMessages.Reason(unreadable), cancellationToken);
            return;
        }

        var batch = read.Value!;
        var settings = runOptions.Value;
        var later = new ConcurrentBag<(OutboundMessage Message, DateTimeOffset At)>();
        var failed = new ConcurrentBag<(OutboundMessage Message, string Error)>();
        var outcomes = new ConcurrentDictionary<DeliveryOutcomeKind, int>();
        await Parallel.ForEachAsync(batch.Messages.Where(m => m is not null), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, settings.SenderParallelism), CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                try
                {
                    var result = await delivery.DeliverAsync(item, ct);
                    if (result.Problem is { } problem)
                    {
                        failed.Add((item, problem.Detail ?? problem.Title));
                        return;
                    }

                    var outcome = result.Value!;
                    outcomes.AddOrUpdate(outcome.Kind, 1, (_, n) => n + 1);
                    if (outcome.Kind is DeliveryOutcomeKind.NotYetDue or DeliveryOutcomeKind.InProgress)
                    {
                        later.Add((item, outcome.RetryAt ?? time.GetUtcNow()));
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Storage or adapter trouble with this message only: it is retried like a temporary channel failure.
                    failed.Add((item, ex.GetType().Name));
                }
            });

        foreach (var group in later.GroupBy(l => l.At))
        {
            await outbox.EnqueueAsync(group.Select(g => g.Message).ToList(), batch.Attempt, group.Key, cancellationToken);
        }

        if (!failed.IsEmpty)
        {
            var attempt = batch.Attempt + 1;
            var messages = failed.Select(f => f.Message).ToList();
            var reason = string.Join(" | ", failed.Select(f => f.Error).Distinct().Take(5));
            if (attempt >= settings.SenderMaxAttempts)
            {
                await deadLetters.ParkAsync(QueueNames.WinBackMessages, EcomJson.Serialize(new WinBackMessageBatch(messages, attempt)),
                    $"Delivery failed {attempt} times: {reason}", cancellationToken);
            }
            else
            {
                var delay = TimeSpan.FromTicks(Math.Min(settings.SenderMaxRetryDelay.Ticks, settings.SenderRetryDelay.Ticks * (1L << Math.Min(20, batch.Attempt))));
                await outbox.EnqueueAsync(messages, attempt, time.GetUtcNow() + delay, cancellationToken);
            }
        }

        logger.LogInformation("Win-back batch: {Outcomes}; {Later} later, {Failed} failed.",
            string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}")), later.Count, failed.Count);
    }
}
