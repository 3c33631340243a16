using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EcomFunctions.Domain.Members;
using EcomFunctions.Storage;
using EcomFunctions.Testing.Members;
using Microsoft.Extensions.DependencyInjection;

namespace EcomFunctions.Testing.Faults;

/// <summary>
/// Fault scenario 1: Azurite (persistent, on disk) stops for <c>outage</c> in the middle of a burst of concurrent coupon
/// claims through the LocalHost and of a daily reactivation run, then restarts on the same ports with the same data.
/// Every claim ends issued (201) or refused for a business reason (4xx); a 5xx during the outage counts as retriable only
/// when it is problem details and a retry with the same Idempotency-Key then gives the member's one coupon (or a refusal
/// while the wallet is empty). Storage must agree: issued count = distinct coupons = 201 answers, one coupon per member.
/// The run completes with one contact per treated or held-out member, every message delivered once, no cap broken.
/// </summary>
public static class StorageOutageScenario
{
    public const string Name = "storage-outage";
    private const int Claimants = 240;
    private const int Quantity = 180;
    private const int RunMembers = 800;
    private const int Partitions = 4;

    public static async Task<FaultOutcome> RunAsync(Action<string>? progress = null, bool claims = true, bool run = true, TimeSpan? outage = null, CancellationToken cancellationToken = default)
    {
        var log = progress ?? (_ => { });
        var down = outage ?? TimeSpan.FromSeconds(10);
        var findings = new List<string>();
        int lost = 0, duplicated = 0;
        var folder = Path.Combine(Path.GetTempPath(), "ecom-faults-" + Guid.NewGuid().ToString("N")[..8]);
        var azurite = AzuriteProcess.Start(folder);
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["Members:PartitionCount"] = Partitions.ToString(CultureInfo.InvariantCulture),
                ["Reactivation:PageSize"] = "100",
                ["Reactivation:QuietHoursStart"] = "00:00",
                ["Reactivation:QuietHoursEnd"] = "00:00",
                ["Reactivation:DeliveryClaimLease"] = "00:00:40", // half of it (the sent-record retry window) outlasts the outage
                // Pages failing while storage is down are retried on durable timers long enough to outlast the outage.
                ["Reactivation:ActivityMaxAttempts"] = "20",
                ["Reactivation:ActivityFirstRetryInterval"] = "00:00:01",
                ["Reactivation:ActivityMaxRetryInterval"] = "00:00:03",
                ["Reactivation:SenderRetryDelay"] = "00:00:01",
            };
            await using var host = await FaultHost.StartAsync(azurite, settings);
            using var operatorClient = host.CreateClient(principal: CouponCalls.Operator);
            var coupons = new CouponCalls(host.Client, operatorClient);
            var definition = await coupons.ActiveDefinitionAsync(Quantity);
            var members = Enumerable.Range(0, Claimants).Select(i => string.Create(CultureInfo.InvariantCulture, $"claim{i:D4}")).ToList();
            var tiers = host.Services.GetRequiredService<MemberTierDirectory>();
            await Parallel.ForEachAsync(members, cancellationToken, async (m, ct) => await tiers.PublishAsync(m, MemberTier.Regular, ct));
            var seed = await ReactivationSeed.WriteAsync(azurite.ConnectionString, RunMembers, DateTimeOffset.UtcNow, partitionCount: Partitions);
            var today = ZonedTime.LocalDate(DateTimeOffset.UtcNow, ZonedTime.Resolve("Asia/Shanghai")).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

            using var runClient = host.CreateClient(key: null, principal: "marketing-1; roles=CampaignManager");
            if (run)
            {
                using var started = await runClient.PostAsJsonAsync($"api/reactivation/runs/{today}", new { }, cancellationToken);
                if (started.StatusCode != HttpStatusCode.Accepted)
                {
                    throw new InvalidOperationException($"run not started: {(int)started.StatusCode} {await started.Content.ReadAsStringAsync(cancellationToken)}");
                }

                // Storage goes down once the run has recorded its first contacts.
                var seeded = seed.History.Count;
                await Eventually.HoldsAsync(async () => (await ReactivationSeed.AllContactsAsync(azurite.ConnectionString, Partitions)).Count, n => n > seeded,
                    TimeSpan.FromSeconds(90), "the run recorded its first contacts");
            }

            // The burst: claims in parallel, storage stopped once a fifth are answered, restarted after the outage.
            var first = new ConcurrentDictionary<string, Answer>(StringComparer.Ordinal);
            var burst = !claims ? Task.CompletedTask : Parallel.ForEachAsync(members, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                async (member, ct) => first[member] = await ClaimAsync(coupons, definition, member, ct));
            await Eventually.HoldsAsync(() => Task.FromResult(first.Count), n => !claims || n >= Claimants / 5, TimeSpan.FromSeconds(60), "a fifth of the claims answered");
            var contactsBefore = (await ReactivationSeed.AllContactsAsync(azurite.ConnectionString, Partitions)).Count;
            int blob = azurite.BlobPort, queue = azurite.QueuePort, table = azurite.TablePort;
            azurite.Stop();
            azurite.Dispose();
            log($"storage-outage: Azurite stopped after {first.Count} claims answered and {contactsBefore} contacts recorded");
            await Task.Delay(down, cancellationToken);
            azurite = AzuriteProcess.Start(folder, blob, queue, table);
            log("storage-outage: Azurite restarted on the same ports and folder");
            await burst;

            if (claims)
            {
                // Retries with the same key, as a storefront does after a retriable answer.
                var final = new Dictionary<string, Answer>(first, StringComparer.Ordinal);
                var serverErrors = first.Values.Count(a => a.Status >= 500);
                foreach (var (member, answer) in first.Where(a => a.Value.Status >= 500))
                {
                    if (!answer.IsProblem || answer.Status != 503)
                    {
                        // A 500 is a bare error in Azure (the LocalHost only dresses it as problem details): an outage is a 503.
                        findings.Add($"claim of {member} answered {answer.Status} (problem details: {answer.IsProblem}) during the outage: {answer.Body}");
                    }

                    var retried = answer;
                    for (var attempt = 0; attempt < 30 && retried.Status >= 500; attempt++)
                    {
                        await Task.Delay(attempt == 0 ? 0 : 500, cancellationToken);
                        retried = await ClaimAsync(coupons, definition, member, cancellationToken);
                    }

                    final[member] = retried;
                }

                log($"storage-outage: {serverErrors} claim(s) answered 5xx during the outage; final answers " +
                    string.Join(", ", final.Values.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}")));

                // Storage is the truth: each member's wallet, and the definition's issued count.
                var issuedAnswers = final.Where(a => a.Value.Status == 201).ToDictionary(a => a.Key, a => a.Value.CouponId!, StringComparer.Ordinal);
                foreach (var (member, answer) in final)
                {
                    if (answer.Status >= 500)
                    {
                        findings.Add($"claim of {member} still {answer.Status} after retries");
                        lost++;
                        continue;
                    }

                    if (answer.Status != 201 && answer.Status is not (409 or 410))
                    {
                        findings.Add($"claim of {member}: unexpected {answer.Status} {answer.Body}");
                    }

                    var wallet = await WalletAsync(host.Client, member, definition, cancellationToken);
                    if (wallet.Count > 1)
                    {
                        findings.Add($"{member} holds {wallet.Count} coupons of one definition");
                        duplicated += wallet.Count - 1;
                    }
                    else if (answer.Status == 201 && (wallet.Count == 0 || wallet[0] != answer.CouponId))
                    {
                        findings.Add($"{member} was answered coupon {answer.CouponId} but the wallet holds [{string.Join(",", wallet)}]");
                        lost++;
                    }
                    else if (answer.Status != 201 && wallet.Count == 1)
                    {
                        findings.Add($"{member} was answered {answer.Status} but a coupon {wallet[0]} was issued");
                        lost++;
                    }
                }

                var issued = (await coupons.DefinitionAsync(definition)).GetProperty("inventory").GetProperty("issued").GetInt32();
                var distinct = issuedAnswers.Values.Distinct(StringComparer.Ordinal).Count();
                if (issued != issuedAnswers.Count || distinct != issuedAnswers.Count)
                {
                    findings.Add($"issued count {issued}, 201 answers {issuedAnswers.Count}, distinct coupons {distinct}: they must be equal");
                    // More units counted than coupons answered: units taken for coupons nobody holds (lost to the shoppers);
                    // fewer: coupons answered that the inventory never counted (issued beyond it).
                    lost += Math.Max(0, issued - issuedAnswers.Count);
                    duplicated += Math.Max(0, issuedAnswers.Count - issued) + (issuedAnswers.Count - distinct);
                }

                if (issuedAnswers.Count != Math.Min(Quantity, Claimants))
                {
                    findings.Add($"{issuedAnswers.Count} coupons issued of {Quantity} for {Claimants} claimants (every coupon should be claimed)");
                }
            }

            if (!run)
            {
                return FaultOutcome.From(Name, lost, duplicated, findings);
            }

            // The run.
            JsonElement report = default;
            try
            {
                report = await Eventually.HoldsAsync(async () =>
                {
                    using var response = await runClient.GetAsync($"api/reactivation/runs/{today}", cancellationToken);
                    return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.Clone() : default;
                }, r => r.ValueKind == JsonValueKind.Object && r.GetProperty("status").GetString() is "completed" or "failed", TimeSpan.FromSeconds(120), $"run {today} finished");
            }
            catch (TimeoutException)
            {
                var client = host.Services.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>();
                var instance = await client.GetInstanceAsync("reactivation-" + today, getInputsAndOutputs: true, cancellationToken);
                findings.Add($"reactivation run not finished: orchestration {instance?.RuntimeStatus} {instance?.FailureDetails?.ErrorMessage} {instance?.SerializedCustomStatus}");
                lost++;
                return FaultOutcome.From(Name, lost, duplicated, findings);
            }

            if (report.GetProperty("status").GetString() != "completed")
            {
                findings.Add($"reactivation run ended {report}");
                lost++;
            }
            else
            {
                var expected = seed.Expected(report.GetProperty("runAt").GetDateTimeOffset(), new ReactivationOptions()).Tally;
                var contacts = await ReactivationSeed.AllContactsAsync(azurite.ConnectionString, Partitions);
                var todays = contacts.Where(c => c.RunDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) == today).ToList();
                var distinctMembers = todays.Select(c => c.MemberId).Distinct(StringComparer.Ordinal).Count();
                if (todays.Count != expected.Targeted + expected.Holdout || distinctMembers != todays.Count)
                {
                    findings.Add($"run contacts {todays.Count} for {distinctMembers} members; expected {expected.Targeted + expected.Holdout}");
                    lost += Math.Max(0, expected.Targeted + expected.Holdout - distinctMembers);
                    duplicated += todays.Count - distinctMembers;
                }

                var caps = ReactivationSeed.CapViolations(contacts, new ReactivationOptions());
                if (caps > 0)
                {
                    findings.Add($"{caps} member(s) contacted beyond the frequency caps");
                }

                List<Azure.Data.Tables.TableEntity> delivered = [];
                try
                {
                    delivered = await Eventually.HoldsAsync(() => ReactivationSeed.LocalMessagesAsync(azurite.ConnectionString), m => m.Count >= expected.Targeted,
                        TimeSpan.FromSeconds(90), $"{expected.Targeted} messages delivered");
                    await Task.Delay(1000, cancellationToken);
                    delivered = await ReactivationSeed.LocalMessagesAsync(azurite.ConnectionString);
                }
                catch (TimeoutException ex)
                {
                    findings.Add(ex.Message);
                }

                lost += Math.Max(0, expected.Targeted - delivered.Count);
                var twice = delivered.Count(m => m.GetInt32("Deliveries") != 1);
                if (twice > 0 || delivered.Count > expected.Targeted)
                {
                    findings.Add($"{twice} member(s) messaged more than once; {delivered.Count} messages for {expected.Targeted} treated members");
                    duplicated += twice + Math.Max(0, delivered.Count - expected.Targeted);
                }

                log($"storage-outage: run completed: {expected.Targeted} targeted, {expected.Holdout} holdout, {delivered.Count} messages delivered");
            }
        }
        finally
        {
            azurite.Dispose();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }

        return FaultOutcome.From(Name, lost, duplicated, findings);
    }

    private static async Task<Answer> ClaimAsync(CouponCalls coupons, string definition, string member, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await coupons.ClaimAsync(definition, member, "claim-" + member, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var couponId = response.StatusCode == HttpStatusCode.Created ? JsonDocument.Parse(body).RootElement.GetProperty("couponId").GetString() : null;
            return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType == "application/problem+json", couponId, body[..Math.Min(body.Length, 300)]);
        }
        catch (HttpRequestException ex)
        {
            return new Answer(599, false, null, ex.Message);
        }
    }

    private static async Task<List<string>> WalletAsync(HttpClient client, string member, string definition, CancellationToken cancellationToken)
    {
        var wallet = await client.GetFromJsonAsync<JsonElement>($"api/members/{member}/coupons", cancellationToken);
        return wallet.GetProperty("coupons").EnumerateArray()
            .Where(c => c.GetProperty("definitionId").GetString() == definition)
            .Select(c => c.GetProperty("couponId").GetString()!).ToList();
    }

    private sealed record Answer(int Status, bool IsProblem, string? CouponId, string Body);
}
