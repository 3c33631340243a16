using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Bogus;
using EcomFunctions.Domain.Members;
using EcomFunctions.LocalHost.Hosting;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace EcomFunctions.Bench;

/// <summary>
/// `./scripts/bench reactivation`: 100 000 synthetic members (Bogus, fixed seed) seeded into a private Azurite with batch
/// transactions, some with earlier win-back contacts so the caps have work; then, in the same run, the raw table-scan
/// rate of the member table (every row read, all partitions in parallel — the same rows and fan-out the run reads) and a
/// full daily run through the LocalHost (orchestration <c>reactivation-{date}</c>, in-memory durable engine, the real
/// App: RFM, offers, caps, quiet hours, holdout, coupon grants and messages enqueued, contacts recorded). Rate = members /
/// wall time from the start request to the completed run. Cap violations are counted from the stored contact history.
/// Pass: run rate ≥ 0.5 × raw scan rate, holdout share 9–11 %, no cap violation.
/// Options: --members N (default 100 000).
/// </summary>
public sealed class ReactivationBench : IBenchScenario
{
    private const double TargetRatio = 0.5;
    private static readonly string[] Zones = ["Asia/Shanghai", "Asia/Shanghai", "Asia/Shanghai", "Asia/Shanghai", "Asia/Hong_Kong", "America/Los_Angeles", "Europe/London"];

    public string Name => "reactivation";

    public async Task<Dictionary<string, object?>> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var count = IntOption(args, "--members") ?? 100_000;
        using var azurite = AzuriteProcess.Start(persistenceFolder: null);
        var storage = new StorageClients(new StorageConnection(azurite.ConnectionString));
        var memberOptions = new MemberOptions();
        var options = new ReactivationOptions();
        var now = DateTimeOffset.UtcNow;

        var seedClock = Stopwatch.StartNew();
        var history = await SeedAsync(storage, memberOptions, count, now, cancellationToken);
        Log($"seeded {count} members in {seedClock.Elapsed.TotalSeconds:F1} s ({count / seedClock.Elapsed.TotalSeconds:F0}/s), {history} earlier contacts");

        await RawScanAsync(storage, memberOptions, cancellationToken); // warm-up
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var azuriteCpu0 = azurite.TotalProcessorTime;
        var rawScan = await RawScanAsync(storage, memberOptions, cancellationToken);
        Log($"raw scan: this process used {(Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds:F2} s, Azurite {(azurite.TotalProcessorTime - azuriteCpu0).TotalSeconds:F2} s of CPU");
        var rawScanPerSec = count / rawScan.TotalSeconds;
        Log($"raw scan: {rawScan.TotalSeconds:F2} s, {rawScanPerSec:F0} members/s");

        var cpu1 = Process.GetCurrentProcess().TotalProcessorTime;
        var azuriteCpu1 = azurite.TotalProcessorTime;
        var profile = new ReactivationProfile();
        var (elapsed, report) = await RunThroughLocalHostAsync(azurite.ConnectionString, now, profile, () => azurite.TotalProcessorTime, cancellationToken);
        Log($"run: this process used {(Process.GetCurrentProcess().TotalProcessorTime - cpu1).TotalSeconds:F2} s, Azurite {(azurite.TotalProcessorTime - azuriteCpu1).TotalSeconds:F2} s of CPU");
        foreach (var line in profile.Lines())
        {
            Log($"run profile: {line}");
        }
        var membersPerSec = count / elapsed.TotalSeconds;
        var targeted = report.GetProperty("targeted").GetInt32();
        var holdout = report.GetProperty("holdout").GetInt32();
        var holdoutShare = targeted + holdout == 0 ? 0 : (double)holdout / (targeted + holdout);
        Log($"run: {elapsed.TotalSeconds:F2} s, {membersPerSec:F0} members/s; eligible {report.GetProperty("eligible").GetInt32()}, targeted {targeted}, holdout {holdout}, skipped {report.GetProperty("skipped")}");

        var capViolations = await CapViolationsAsync(storage, memberOptions, options, cancellationToken);
        var ratio = membersPerSec / rawScanPerSec;
        return new Dictionary<string, object?>
        {
            ["members"] = count,
            ["targeted"] = targeted,
            ["holdoutShare"] = Math.Round(holdoutShare, 4),
            ["capViolations"] = capViolations,
            ["membersPerSec"] = Math.Round(membersPerSec, 0),
            ["rawScanPerSec"] = Math.Round(rawScanPerSec, 0),
            ["ratio"] = Math.Round(ratio, 3),
            ["eligible"] = report.GetProperty("eligible").GetInt32(),
            ["holdout"] = holdout,
            ["skippedCap"] = report.GetProperty("skipped").TryGetProperty("cap", out var cap) ? cap.GetInt32() : 0,
            ["deferred"] = report.GetProperty("quietHoursDeferred").GetInt32(),
            ["runSeconds"] = Math.Round(elapsed.TotalSeconds, 2),
            ["pass"] = ratio >= TargetRatio && holdoutShare is >= 0.09 and <= 0.11 && capViolations == 0,
        };
    }

    private static async Task<int> SeedAsync(StorageClients storage, MemberOptions memberOptions, int count, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Randomizer.Seed = new Random(20250610);
        var faker = new Faker("zh_CN");
        var protector = new ContactProtector(DevelopmentKeys());
        var members = new List<Member>(count);
        var contacts = new List<ContactRecord>();
        for (var i = 0; i < count; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"mem{i:D6}");
            var zone = faker.PickRandom(Zones);
            // Lifecycle mix: half active, three in ten dormant, two in ten churned.
            var roll = faker.Random.Double();
            var idleDays = roll < 0.5 ? faker.Random.Int(0, 59) : roll < 0.8 ? faker.Random.Int(60, 179) : faker.Random.Int(180, 720);
            var lastActive = now - TimeSpan.FromDays(idleDays) - TimeSpan.FromMinutes(faker.Random.Int(1, 1440));
            var member = Member.Register(id, lastActive - TimeSpan.FromDays(faker.Random.Int(30, 900)), zone);
            var consents = new List<ConsentChange>();
            var wantsEmail = faker.Random.Bool(0.4f);
            var wantsSms = faker.Random.Bool(0.2f);
            if (faker.Random.Bool(0.6f))
            {
                consents.Add(new ConsentChange(ContactChannel.Push, true, member.SignedUpAt));
            }

            if (wantsEmail)
            {
                consents.Add(new ConsentChange(ContactChannel.Email, true, member.SignedUpAt));
            }

            if (wantsSms)
            {
                consents.Add(new ConsentChange(ContactChannel.Sms, true, member.SignedUpAt));
            }

            var personal = protector.Protect(id, new PersonalDetails
            {
                Name = faker.Name.FullName(),
                Email = wantsEmail ? faker.Internet.Email() : null,
                Phone = wantsSms ? "1" + faker.Random.ReplaceNumbers("3#########") : null,
            }).GetValueOrThrow();
            ContactChannel? preferred = faker.Random.Bool(0.3f) ? faker.PickRandom<ContactChannel>() : null;
            member.UpdateProfile(new MemberProfile(zone, faker.Random.Bool(0.5f) ? Birthday.Create(faker.Random.Int(1, 12), faker.Random.Int(1, 28)) : null, preferred, personal),
                consents, member.SignedUpAt);
            var orders = faker.Random.Int(0, 8);
            for (var o = 0; o < orders; o++)
            {
                member.Record(MemberActivity.Purchase($"o{o}", lastActive - TimeSpan.FromDays(o * faker.Random.Int(5, 40)), decimal.Round(faker.Random.Decimal(20, 1500), 2)), memberOptions);
            }

            member.Record(MemberActivity.Login("l", lastActive), memberOptions);
            members.Add(member);

            // Earlier win-back contacts: some members were contacted 3 days ago (short cap), some three times this month (long cap).
            if (idleDays >= 60)
            {
                var contactRoll = faker.Random.Double();
                if (contactRoll < 0.08)
                {
                    contacts.Add(Earlier(id, now - TimeSpan.FromDays(3)));
                }
                else if (contactRoll < 0.12)
                {
                    contacts.AddRange([Earlier(id, now - TimeSpan.FromDays(9)), Earlier(id, now - TimeSpan.FromDays(17)), Earlier(id, now - TimeSpan.FromDays(25))]);
                }
                else if (contactRoll < 0.2)
                {
                    contacts.Add(Earlier(id, now - TimeSpan.FromDays(12)));
                }
            }
        }

        var outbox = new Outbox(storage, new QueueSender(storage), NullLogger<Outbox>.Instance);
        // Seeding writes member rows only, in batch transactions; the e-mail/phone lookup index (one row per address, in
        // its own partition, so never batchable) plays no part in the run.
        var repository = new TableMemberRepository(storage, outbox, memberOptions, maintainLookupIndex: false);
        var failures = 0;
        await Parallel.ForEachAsync(members.GroupBy(m => repository.PartitionOf(m.Id)), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (partition, ct) =>
            {
                // SaveManyAsync submits batch transactions of up to 100 members of one partition.
                var results = await repository.SaveManyAsync(partition.Select(m => new MemberWrite(m, null, [])).ToList(), ct);
                Interlocked.Add(ref failures, results.Count(r => !r.IsSuccess));
            });
        if (failures > 0)
        {
            throw new InvalidOperationException($"{failures} members could not be seeded.");
        }

        var history = new TableContactHistory(storage, outbox, memberOptions);
        await Parallel.ForEachAsync(contacts.Chunk(2_000), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (chunk, ct) => await history.RecordAsync(chunk, ct));
        return contacts.Count;
    }

    /// <summary>Every member row of every partition, all partitions at once: what a run must read at the least.</summary>
    private static async Task<TimeSpan> RawScanAsync(StorageClients storage, MemberOptions memberOptions, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.Members, cancellationToken);
        var clock = Stopwatch.StartNew();
        var rows = 0;
        await Parallel.ForEachAsync(MemberPartitions.All(memberOptions.PartitionCount), new ParallelOptions { MaxDegreeOfParallelism = memberOptions.PartitionCount, CancellationToken = cancellationToken },
            async (partition, ct) =>
            {
                var mine = 0;
                await foreach (var page in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, maxPerPage: 1000, cancellationToken: ct).AsPages())
                {
                    mine += page.Values.Count;
                }

                Interlocked.Add(ref rows, mine);
            });
        clock.Stop();
        Log($"raw scan read {rows} rows");
        return clock.Elapsed;
    }

    private static async Task<(TimeSpan Elapsed, JsonElement Report)> RunThroughLocalHostAsync(
        string connectionString, DateTimeOffset now, ReactivationProfile profile, Func<TimeSpan> azuriteCpu, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["DurableTaskHubName"] = Azurite.UniqueName("bench"),
            ["Auth:AllowDevelopmentPrincipal"] = "true",
            ["EventGrid:Endpoint"] = string.Empty,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        await using var host = await LocalFunctionsHost.StartAsync([], settings, o =>
        {
            o.Url = "http://127.0.0.1:0";
            o.DurableBackend = OrchestrationBackend.InMemory;
            o.EnableTimers = false;
            o.EnableQueues = false; // the run only; the sender would compete for the same Azurite
        }, DurableEngines.StartAsync, services =>
        {
            services.Configure<ConsoleLoggerOptions>(c => c.LogToStandardErrorThreshold = LogLevel.Trace);
            profile.Attach(services);
        }, cancellationToken);
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Add("X-Dev-Principal", "bench; roles=CampaignManager");
        var today = ZonedTime.LocalDate(now, ZonedTime.Resolve("Asia/Shanghai")).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        // CPU of the timed window only (the host's start-up above is not part of the run's rate).
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var azuriteCpu0 = azuriteCpu();
        var clock = Stopwatch.StartNew();
        using (var started = await client.PostAsJsonAsync($"api/reactivation/runs/{today}", new { }, cancellationToken))
        {
            started.EnsureSuccessStatusCode();
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(30);
        while (true)
        {
            using var response = await client.GetAsync($"api/reactivation/runs/{today}", cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
                if (report.GetProperty("status").GetString() == "completed")
                {
                    clock.Stop();
                    Log($"run (timed window): this process used {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F2} s, Azurite {(azuriteCpu() - azuriteCpu0).TotalSeconds:F2} s of CPU");
                    return (clock.Elapsed, report);
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The run did not complete within 30 minutes.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Members whose stored contacts break a cap (more than 1 in any 7 days, more than 3 in any 30 days).</summary>
    private static async Task<int> CapViolationsAsync(StorageClients storage, MemberOptions memberOptions, ReactivationOptions options, CancellationToken cancellationToken)
    {
        var history = new TableContactHistory(storage, new Outbox(storage, new QueueSender(storage), NullLogger<Outbox>.Instance), memberOptions);
        var violations = 0;
        var records = 0;
        foreach (var partition in MemberPartitions.All(memberOptions.PartitionCount))
        {
            var contacts = await history.ListPartitionAsync(partition, cancellationToken);
            records += contacts.Count;
            foreach (var member in contacts.GroupBy(c => c.MemberId))
            {
                var times = member.Select(c => c.SendAt).Order().ToList();
                if (times.Any(t => times.Count(o => o <= t && o > t - options.ShortCapWindow) > options.ShortCapMaxMessages
                                   || times.Count(o => o <= t && o > t - options.LongCapWindow) > options.LongCapMaxMessages))
                {
                    violations++;
                }
            }
        }

        Log($"cap audit: {records} contact records, {violations} members over a cap");
        return violations;
    }

    private static ContactRecord Earlier(string memberId, DateTimeOffset at)
    {
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        return new ContactRecord($"winback:{day:yyyy-MM-dd}:{memberId}", memberId, day, at, ContactChannel.Push, LifecycleState.Dormant,
            "winback-dormant-regular-low", 3m, false, ContactStatus.Sent);
    }

    /// <summary>The development keys of local.settings.sample.json (the LocalHost under test uses them too).</summary>
    private static ContactProtectionOptions DevelopmentKeys()
    {
        var options = new ContactProtectionOptions { ActiveKeyId = "k1", LookupKey = Convert.ToBase64String("DEV-ONLY-member-lookup-hmac-key!"u8) };
        options.Keys["k1"] = Convert.ToBase64String("DEV-ONLY-member-contact-aes-key!"u8);
        return options;
    }

    private static int? IntOption(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : null;
    }

    private static void Log(string line) => Console.Error.WriteLine($"[reactivation] {line}");
}
