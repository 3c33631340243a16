using System.Security.Cryptography;
using Azure.Data.Tables;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EcomFunctions.Storage.Tests.Members;

/// <summary>Shared pieces of the member storage tests: clients, unique tables, a protector with test keys, members.</summary>
internal static class MemberStorage
{
    public static readonly DateTimeOffset Now = new(2025, 6, 10, 2, 0, 0, TimeSpan.Zero);

    public static StorageClients Clients { get; } = new(new StorageConnection(Azurite.ConnectionString));

    public static Outbox NewOutbox() => new(Clients, new QueueSender(Clients), NullLogger<Outbox>.Instance);

    public static ContactProtector Protector()
    {
        var options = new ContactProtectionOptions { ActiveKeyId = "k1", LookupKey = Convert.ToBase64String(SHA256.HashData([1])) };
        options.Keys["k1"] = Convert.ToBase64String(SHA256.HashData([2]));
        return new ContactProtector(options);
    }

    public static TableMemberRepository Repository(MemberOptions? options = null) =>
        new(Clients, NewOutbox(), options ?? new MemberOptions { PartitionCount = 4 }, Azurite.UniqueName("members"), Azurite.UniqueName("lookups"));

    public static Member Dormant(string id, TimeSpan idle, ContactChannel consent = ContactChannel.Push)
    {
        var member = Member.Register(id, Now - idle - TimeSpan.FromDays(1), "Asia/Shanghai");
        member.Record(MemberActivity.Login("login-" + id, Now - idle), new MemberOptions());
        member.ApplyConsent(new ConsentChange(consent, true, Now - idle - TimeSpan.FromDays(1)));
        return member;
    }
}

public sealed class TableMemberRepositoryTests
{
    private readonly MemberOptions options = new() { PartitionCount = 4 };
    private readonly TableMemberRepository repository = MemberStorage.Repository();

    private static Member Rich(string id)
    {
        var options = new MemberOptions();
        var protector = MemberStorage.Protector();
        var member = Member.Register(id, MemberStorage.Now - TimeSpan.FromDays(400), "America/New_York");
        member.UpdateProfile(new MemberProfile("America/New_York", Birthday.Create(2, 29), ContactChannel.Email,
                protector.Protect(id, new PersonalDetails { Name = "Alice", Email = "alice@example.com", Phone = "+1 212 555 0100" }).GetValueOrThrow()),
            [new ConsentChange(ContactChannel.Email, true, MemberStorage.Now - TimeSpan.FromDays(300))], MemberStorage.Now - TimeSpan.FromDays(300));
        member.Record(MemberActivity.Purchase("p1", MemberStorage.Now - TimeSpan.FromDays(200), 1234.56m), options);
        member.Record(MemberActivity.Purchase("p2", MemberStorage.Now - TimeSpan.FromDays(20), 99.90m), options);
        member.Record(MemberActivity.Share("s1", MemberStorage.Now - TimeSpan.FromDays(1)), options);
        member.RedeemPoints("r1", 100, MemberStorage.Now, options).GetValueOrThrow();
        member.EvaluateTier(YearMonth.Of(2025, 6), MemberStorage.Now, options);
        member.RollLifecycleSnapshot(YearMonth.Of(2025, 6), LifecycleState.Active);
        member.TryTakeBirthdayGift(new DateTimeOffset(2025, 2, 28, 20, 0, 0, TimeSpan.Zero));
        return member;
    }

    [Fact]
    public async Task A_member_round_trips_with_its_whole_state()
    {
        var member = Rich("rich-1");
        var saved = await repository.SaveAsync(new MemberWrite(member, null, []), default);

        var read = (await repository.GetAsync("rich-1", default))!;

        Assert.True(saved.IsSuccess);
        Assert.Equal(saved.Value, read.Version);
        Assert.Equal(MemberJson.Serialize(member.ToState()), MemberJson.Serialize(read.Member.ToState()));
        Assert.Equal((MemberTier.Silver, 2, 1), (read.Member.Tier, read.Member.Purchases.Months.Count, read.Member.RecentRedemptions.Count));
        Assert.Equal("02-29", read.Member.Birthday!.Value.Format());
    }

    [Fact]
    public async Task A_large_state_is_split_over_several_properties()
    {
        var state = Rich("big-1").ToState();
        for (var day = 0; day < 1500; day++)
        {
            state.PointsLots.Add(new PointsLot(new DateOnly(2020, 1, 1).AddDays(day), 10));
        }

        var member = Member.FromState(state);
        Assert.True((await repository.SaveAsync(new MemberWrite(member, null, []), default)).IsSuccess);

        var read = (await repository.GetAsync("big-1", default))!;
        Assert.Equal(member.Points.Lots.Count, read.Member.Points.Lots.Count);
    }

    [Fact]
    public async Task Writes_conflict_on_an_existing_member_a_stale_version_and_an_applied_operation()
    {
        var member = MemberStorage.Dormant("c-1", TimeSpan.FromDays(90));
        var v1 = (await repository.SaveAsync(new MemberWrite(member, null, []), default)).GetValueOrThrow();

        var again = await repository.SaveAsync(new MemberWrite(member, null, []), default);
        var v2 = (await repository.SaveAsync(new MemberWrite(member, v1, [], "activity:a1"), default)).GetValueOrThrow();
        var stale = await repository.SaveAsync(new MemberWrite(member, v1, []), default);
        var duplicate = await repository.SaveAsync(new MemberWrite(member, v2, [], "activity:a1"), default);

        Assert.True(MemberWriteProblems.IsMemberExists(again.Problem));
        Assert.True(MemberWriteProblems.IsVersionMismatch(stale.Problem));
        Assert.True(MemberWriteProblems.IsOperationApplied(duplicate.Problem));
        Assert.True(await repository.IsOperationAppliedAsync("c-1", "activity:a1", default));
        Assert.False(await repository.IsOperationAppliedAsync("c-1", "activity:a2", default));
        Assert.Equal(v2, (await repository.GetAsync("c-1", default))!.Version); // the duplicate wrote nothing
    }

    [Fact]
    public async Task Events_are_written_to_the_outbox_of_the_members_partition_in_the_same_transaction()
    {
        var member = MemberStorage.Dormant("e-1", TimeSpan.FromDays(90));
        var erased = MemberEvents.MemberErased("e-1", MemberStorage.Now);
        await repository.SaveAsync(new MemberWrite(member, null, [erased]), default);

        var table = await MemberStorage.Clients.TableAsync(repository.TableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(repository.PartitionOf("e-1"), Outbox.RowKeyPrefix + erased.Id);
        Assert.True(row.HasValue);
    }

    [Fact]
    public async Task Batched_saves_report_each_write_and_fall_back_when_one_is_stale()
    {
        var members = Enumerable.Range(0, 150).Select(i => MemberStorage.Dormant($"b-{i:D3}", TimeSpan.FromDays(90))).ToList();
        var created = await repository.SaveManyAsync(members.Select(m => new MemberWrite(m, null, [])).ToList(), default);
        Assert.All(created, r => Assert.True(r.IsSuccess));

        var read = new List<VersionedMember>();
        foreach (var m in members)
        {
            read.Add((await repository.GetAsync(m.Id, default))!);
        }

        // Someone else changes b-007 meanwhile: its write must fail alone.
        var other = (await repository.GetAsync("b-007", default))!;
        await repository.SaveAsync(new MemberWrite(other.Member, other.Version, []), default);
        var results = await repository.SaveManyAsync(read.Select(v => new MemberWrite(v.Member, v.Version, [])).ToList(), default);

        Assert.Equal(149, results.Count(r => r.IsSuccess));
        Assert.True(MemberWriteProblems.IsVersionMismatch(results[7].Problem));
        Assert.All(results.Where(r => r.IsSuccess), r => Assert.NotEqual(read[0].Version, r.Value));
    }

    [Fact]
    public async Task Partition_scan_returns_every_member_once_in_pages_in_id_order()
    {
        var ids = Enumerable.Range(0, 260).Select(i => $"s-{i}").ToList();
        await repository.SaveManyAsync(ids.Select(id => new MemberWrite(MemberStorage.Dormant(id, TimeSpan.FromDays(90)), null, [],
            OperationKey: "activity:x")).ToList(), default);

        var seen = new List<string>();
        var pages = 0;
        foreach (var partition in MemberPartitions.All(options.PartitionCount))
        {
            string? token = null;
            do
            {
                var page = await repository.ScanPartitionAsync(partition, token, 25, default);
                Assert.True(page.Members.Count <= 25);
                Assert.Equal(page.Members.Select(m => m.Member.Id).Order(StringComparer.Ordinal), page.Members.Select(m => m.Member.Id));
                Assert.All(page.Members, m => Assert.Equal(partition, MemberPartitions.Of(m.Member.Id, options.PartitionCount)));
                seen.AddRange(page.Members.Select(m => m.Member.Id));
                token = page.ContinuationToken;
                pages++;
            }
            while (token is not null);
        }

        Assert.Equal(ids.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.True(pages >= 260 / 25);
    }

    [Fact]
    public async Task WinBack_scan_pages_every_row_once_reading_inactive_and_erased_members_and_counting_the_active()
    {
        var cutoff = MemberStorage.Now - TimeSpan.FromDays(60);
        var members = Enumerable.Range(0, 120).Select(i => MemberStorage.Dormant($"w-{i:D3}", TimeSpan.FromDays(i % 3 == 0 ? 10 : 61 + i),
            i % 2 == 0 ? ContactChannel.Push : ContactChannel.Sms)).ToList();
        foreach (var member in members.Where((_, i) => i % 10 == 3))
        {
            member.Erase(MemberStorage.Now - TimeSpan.FromDays(1), "Asia/Shanghai"); // erased members are read whatever their activity
        }

        foreach (var member in members.Where((_, i) => i % 30 == 0))
        {
            member.Erase(MemberStorage.Now - TimeSpan.FromDays(1), "Asia/Shanghai"); // active and erased: still read
        }

        await repository.SaveManyAsync(members.Select(m => new MemberWrite(m, null, [])).ToList(), default);
        var expected = members.Where(m => m.IsErased || m.LastActivityAt <= cutoff).ToDictionary(m => m.Id, StringComparer.Ordinal);

        var candidates = new List<Member>();
        var active = 0;
        var scanned = 0;
        foreach (var partition in MemberPartitions.All(options.PartitionCount))
        {
            string? token = null;
            do
            {
                var page = await repository.ScanWinBackAsync(partition, cutoff, token, 7, default);
                Assert.True(page.Scanned <= 7);
                Assert.Equal(page.Candidates.Select(m => m.Id).Order(StringComparer.Ordinal), page.Candidates.Select(m => m.Id));
                candidates.AddRange(page.Candidates);
                active += page.Active;
                scanned += page.Scanned;
                token = page.ContinuationToken;
            }
            while (token is not null);
        }

        Assert.Equal(members.Count, scanned);
        Assert.Equal(members.Count - expected.Count, active);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), candidates.Select(m => m.Id).Order(StringComparer.Ordinal));
        Assert.All(candidates, view =>
        {
            var full = expected[view.Id];
            Assert.Equal(full.LastActivityAt, view.LastActivityAt);
            Assert.Equal(full.IsErased, view.IsErased);
            Assert.Equal(Enum.GetValues<ContactChannel>().Select(full.CanReceive), Enum.GetValues<ContactChannel>().Select(view.CanReceive));
        });
    }

    [Fact]
    public async Task WinBack_scan_reads_a_row_written_without_a_planning_view_whole()
    {
        var cutoff = MemberStorage.Now - TimeSpan.FromDays(60);
        var dormant = MemberStorage.Dormant("legacy-1", TimeSpan.FromDays(90), ContactChannel.Email);
        await repository.SaveAsync(new MemberWrite(dormant, null, []), default);
        var table = await MemberStorage.Clients.TableAsync(repository.TableName, default);
        var partition = repository.PartitionOf(dormant.Id);
        TableEntity row = await table.GetEntityAsync<TableEntity>(partition, TableMemberRepository.RowKeyOf(dormant.Id));
        Assert.True(row.Remove("WinBack"));
        await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);

        var page = await repository.ScanWinBackAsync(partition, cutoff, null, 100, default);

        var read = Assert.Single(page.Candidates);
        Assert.Equal(dormant.ToState().Consents, read.ToState().Consents);
        Assert.Equal(dormant.LastActivityAt, read.LastActivityAt);
        Assert.Equal(0, page.Active);
    }

    [Fact]
    public async Task Lookup_index_follows_contact_changes_and_erasure()
    {
        var protector = MemberStorage.Protector();
        var profiles = new MemberProfiles(repository, protector, new MemberOptions(), new FakeTimeProvider(MemberStorage.Now));
        await profiles.UpsertAsync("l-1", new MemberProfileUpdate { SignedUpAt = MemberStorage.Now - TimeSpan.FromDays(10), Email = "old@example.com" }, default);
        Assert.Equal("l-1", (await profiles.FindByEmailAsync("OLD@example.com", default)).GetValueOrThrow().Id);

        await profiles.UpsertAsync("l-1", new MemberProfileUpdate { Email = "new@example.com" }, default);
        Assert.Empty(await repository.FindByLookupAsync(protector.EmailLookup("old@example.com")!, default));
        Assert.Equal("l-1", (await profiles.FindByEmailAsync("new@example.com", default)).GetValueOrThrow().Id);

        await profiles.EraseAsync("l-1", default);
        Assert.Empty(await repository.FindByLookupAsync(protector.EmailLookup("new@example.com")!, default));
    }

    [Fact]
    public async Task Concurrent_activities_on_one_member_are_all_applied_exactly_once()
    {
        await repository.SaveAsync(new MemberWrite(MemberStorage.Dormant("hot", TimeSpan.FromDays(90)), null, []), default);
        var activities = new MemberActivities(repository, new MemberOptions { ConcurrencyRetries = 50 }, new FakeTimeProvider(MemberStorage.Now));

        // 20 distinct purchases, each delivered twice, all at once.
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            activities.RecordAsync("hot", MemberActivity.Purchase($"order-{i % 20}", MemberStorage.Now - TimeSpan.FromHours(1), 10m), default)));

        Assert.All(results, r => Assert.True(r.IsSuccess, r.Problem?.Detail));
        Assert.Equal(20, results.Count(r => r.Value!.IsNew));
        var member = (await repository.GetAsync("hot", default))!.Member;
        Assert.Equal(200, member.Growth.Lifetime);
        Assert.Equal(200, member.Points.EarnedTotal);
    }
}
