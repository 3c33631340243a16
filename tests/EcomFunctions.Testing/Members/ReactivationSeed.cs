using System.Collections.Concurrent;
using System.Globalization;
using Azure.Data.Tables;
using EcomFunctions.Domain.Members;
using EcomFunctions.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace EcomFunctions.Testing.Members;

/// <summary>
/// A synthetic member population written straight to storage (batch transactions), with earlier win-back contacts for
/// some members so the frequency caps have something to hold, and the means to recompute the run's decisions.
/// </summary>
public sealed class ReactivationSeed
{
    private ReactivationSeed(List<Member> members, List<ContactRecord> history)
    {
        Members = members;
        History = history;
    }

    public IReadOnlyList<Member> Members { get; }

    public IReadOnlyList<ContactRecord> History { get; }

    public static string[] Zones { get; } = ["Asia/Shanghai", "America/Los_Angeles", "Europe/Berlin"];

    public static async Task<ReactivationSeed> WriteAsync(string connectionString, int count, DateTimeOffset now, string prefix = "m", int? partitionCount = null)
    {
        var options = new MemberOptions();
        options.PartitionCount = partitionCount ?? options.PartitionCount;
        var protector = ProtectorFromSample();
        var members = new List<Member>();
        var history = new List<ContactRecord>();
        for (var i = 0; i < count; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"{prefix}{i:D5}");
            var zone = Zones[i % Zones.Length];
            var kind = i % 8;
            var idle = kind switch
            {
                0 => TimeSpan.FromDays(5),
                4 or 7 => TimeSpan.FromDays(250),
                _ => TimeSpan.FromDays(90),
            };
            var member = Member.Register(id, now - idle - TimeSpan.FromDays(30), zone);
            var consents = new List<ConsentChange>();
            var details = new PersonalDetails();
            if (kind == 4)
            {
                details = new PersonalDetails { Email = $"{id}@example.com" };
                consents.Add(new ConsentChange(ContactChannel.Email, true, now - idle - TimeSpan.FromDays(30)));
            }
            else if (kind != 5)
            {
                consents.Add(new ConsentChange(ContactChannel.Push, true, now - idle - TimeSpan.FromDays(30)));
            }

            member.UpdateProfile(new MemberProfile(zone, null, null, protector.Protect(id, details).GetValueOrThrow()), consents, now - idle - TimeSpan.FromDays(30));
            if (i % 3 == 0)
            {
                member.Record(MemberActivity.Purchase("o-" + id, now - idle, 100m + (i % 7 * 400m)), options);
            }

            member.Record(MemberActivity.Login("l-" + id, now - idle), options);
            members.Add(member);
            if (kind == 6)
            {
                history.Add(Earlier(member, now - TimeSpan.FromDays(3)));
            }
            else if (kind == 7)
            {
                history.AddRange([Earlier(member, now - TimeSpan.FromDays(8)), Earlier(member, now - TimeSpan.FromDays(15)), Earlier(member, now - TimeSpan.FromDays(22))]);
            }
            else if (kind == 2 && i % 16 == 2)
            {
                history.Add(Earlier(member, now - TimeSpan.FromDays(10)));
            }
        }

        var storage = new StorageClients(new StorageConnection(connectionString));
        var outbox = new Outbox(storage, new QueueSender(storage), NullLogger<Outbox>.Instance);
        var repository = new TableMemberRepository(storage, outbox, options);
        var writes = members.Select(m => new MemberWrite(m, null, [])).ToList();
        var results = new ConcurrentBag<bool>();
        await Parallel.ForEachAsync(writes.GroupBy(w => repository.PartitionOf(w.Member.Id)), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (group, ct) =>
        {
            foreach (var result in await repository.SaveManyAsync(group.ToList(), ct))
            {
                results.Add(result.IsSuccess);
            }
        });
        if (results.Any(ok => !ok))
        {
            throw new InvalidOperationException("Seeding failed.");
        }

        await new TableContactHistory(storage, outbox, options).RecordAsync(history, default);
        return new ReactivationSeed(members, history);
    }

    /// <summary>The decisions the run must have taken at <paramref name="runAt"/> (the domain planner on the seeded state).</summary>
    public ReactivationPlan Expected(DateTimeOffset runAt, ReactivationOptions options)
    {
        var memberOptions = new MemberOptions();
        var run = ReactivationRun.Start(runAt, memberOptions);
        var histories = History.Where(h => h.SendAt > runAt - FrequencyCaps.Lookback(options) - TimeSpan.FromDays(1))
            .GroupBy(h => h.MemberId).ToDictionary(g => g.Key, g => (IReadOnlyList<ContactRecord>)g.ToList());
        return new ReactivationPlanner(memberOptions, options).DecideBatch(Members, histories, run);
    }

    /// <summary>The development keys of local.settings.sample.json, which the LocalHost under test also uses.</summary>
    public static ContactProtector ProtectorFromSample()
    {
        var options = new ContactProtectionOptions { ActiveKeyId = "k1", LookupKey = Convert.ToBase64String("DEV-ONLY-member-lookup-hmac-key!"u8) };
        options.Keys["k1"] = Convert.ToBase64String("DEV-ONLY-member-contact-aes-key!"u8);
        return new ContactProtector(options);
    }

    /// <summary>Members whose contacts break a cap: more than 1 in any 7 days or more than 3 in any 30 days (by send time).</summary>
    public static int CapViolations(IEnumerable<ContactRecord> contacts, ReactivationOptions options)
    {
        var violations = 0;
        foreach (var member in contacts.GroupBy(c => c.MemberId))
        {
            var times = member.Select(c => c.SendAt).Order().ToList();
            var broken = times.Any(t => times.Count(o => o <= t && o > t - options.ShortCapWindow) > options.ShortCapMaxMessages
                                        || times.Count(o => o <= t && o > t - options.LongCapWindow) > options.LongCapMaxMessages);
            violations += broken ? 1 : 0;
        }

        return violations;
    }

    /// <summary>Every stored contact (win-back history) of all member partitions.</summary>
    public static async Task<List<ContactRecord>> AllContactsAsync(string connectionString, int? partitions = null)
    {
        var storage = new StorageClients(new StorageConnection(connectionString));
        var options = new MemberOptions();
        options.PartitionCount = partitions ?? options.PartitionCount;
        var history = new TableContactHistory(storage, new Outbox(storage, new QueueSender(storage), NullLogger<Outbox>.Instance), options);
        var all = new List<ContactRecord>();
        foreach (var partition in MemberPartitions.All(options.PartitionCount))
        {
            all.AddRange(await history.ListPartitionAsync(partition, default));
        }

        return all;
    }

    /// <summary>The messages the local channel adapters delivered (row key = message id, Deliveries = how many times).</summary>
    public static async Task<List<TableEntity>> LocalMessagesAsync(string connectionString)
    {
        var list = new List<TableEntity>();
        var table = new TableClient(connectionString, TableNames.LocalMessages);
        await table.CreateIfNotExistsAsync();
        await foreach (var entity in table.QueryAsync<TableEntity>())
        {
            list.Add(entity);
        }

        return list;
    }

    private static ContactRecord Earlier(Member member, DateTimeOffset at)
    {
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        return new ContactRecord($"winback:{day:yyyy-MM-dd}:{member.Id}", member.Id, day, at, ContactChannel.Push, LifecycleState.Dormant,
            "winback-dormant-regular-low", 3m, false, ContactStatus.Sent);
    }
}
