using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Cronos;
using EcomFunctions.LocalHost.Functions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.LocalHost.Hosting;

/// <summary>A timer schedule: six-field NCRONTAB (with seconds), five-field cron, or a TimeSpan interval.</summary>
public sealed class TimerSchedule
{
    private readonly CronExpression? cron;
    private readonly TimeSpan? interval;
    private readonly TimeZoneInfo zone;

    private TimerSchedule(CronExpression? cron, TimeSpan? interval, TimeZoneInfo zone)
    {
        this.cron = cron;
        this.interval = interval;
        this.zone = zone;
    }

    public static TimerSchedule Parse(string expression, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (TimeSpan.TryParse(expression, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
        {
            return new TimerSchedule(null, span, zone);
        }

        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return new TimerSchedule(CronExpression.Parse(expression, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard), null, zone);
    }

    public DateTimeOffset Next(DateTimeOffset after) =>
        interval is { } span ? after + span : cron!.GetNextOccurrence(after, zone) ?? DateTimeOffset.MaxValue;
}

/// <summary>
/// Runs one timer-triggered function on its schedule (time zone from WEBSITE_TIME_ZONE, else UTC), with
/// <c>RunOnStartup</c> and past-due detection: the last and next occurrences are kept in a LocalHost table, so a
/// host that was down when an occurrence was due runs it once on start with <c>IsPastDue</c> set — as the
/// Functions host's schedule monitor does.
/// </summary>
public sealed class TimerFunctionScheduler(
    FunctionDescriptor function,
    TimerSchedule schedule,
    bool runOnStartup,
    TableClient? monitor,
    FunctionInvoker invoker,
    TimeProvider time,
    ILogger logger) : BackgroundService
{
    public const string MonitorTable = "localhosttimers";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var status = await LoadAsync(stoppingToken);
        var now = time.GetUtcNow();
        if (runOnStartup)
        {
            await FireAsync(status?.Last ?? now, now, pastDue: false, stoppingToken);
        }
        else if (status is { } previous && previous.Next < now - TimeSpan.FromSeconds(1))
        {
            logger.LogInformation("Timer {Function} is past due (was due {Due:u}).", function.Name, previous.Next);
            await FireAsync(previous.Last, previous.Next, pastDue: true, stoppingToken);
        }

        var last = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var next = schedule.Next(time.GetUtcNow());
            await SaveAsync(last, next, stoppingToken);
            var wait = next - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            await FireAsync(last, next, pastDue: time.GetUtcNow() - next > TimeSpan.FromSeconds(5), stoppingToken);
            last = next;
        }
    }

    private async Task FireAsync(DateTimeOffset last, DateTimeOffset next, bool pastDue, CancellationToken cancellationToken)
    {
        try
        {
            await invoker.InvokeAsync(function, new InvocationInput
            {
                Timer = new TimerInfo
                {
                    IsPastDue = pastDue,
                    ScheduleStatus = new ScheduleStatus { Last = last.UtcDateTime, Next = next.UtcDateTime, LastUpdated = time.GetUtcNow().UtcDateTime },
                },
            }, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception ex)
        {
            // A failed occurrence is logged and the schedule goes on, as in the Functions host.
            logger.LogError(ex, "Timer function {Function} failed.", function.Name);
        }
    }

    private async Task<(DateTimeOffset Last, DateTimeOffset Next)?> LoadAsync(CancellationToken cancellationToken)
    {
        if (monitor is null)
        {
            return null;
        }

        try
        {
            await monitor.CreateIfNotExistsAsync(cancellationToken);
            var row = await monitor.GetEntityIfExistsAsync<TableEntity>("timers", function.Name, cancellationToken: cancellationToken);
            return row.HasValue && row.Value is { } entity && entity.GetDateTimeOffset("Next") is { } next
                ? (entity.GetDateTimeOffset("Last") ?? next, next)
                : null;
        }
        catch (RequestFailedException ex)
        {
            logger.LogWarning("Timer monitor unavailable for {Function}: {Error}", function.Name, ex.Message.Split('\n')[0]);
            return null;
        }
    }

    private async Task SaveAsync(DateTimeOffset last, DateTimeOffset next, CancellationToken cancellationToken)
    {
        if (monitor is null)
        {
            return;
        }

        try
        {
            await monitor.UpsertEntityAsync(new TableEntity("timers", function.Name)
            {
                ["Last"] = last,
                ["Next"] = next,
                ["LastUpdated"] = time.GetUtcNow(),
            }, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            logger.LogWarning("Timer monitor write failed for {Function}: {Error}", function.Name, ex.Message.Split('\n')[0]);
        }
    }
}
