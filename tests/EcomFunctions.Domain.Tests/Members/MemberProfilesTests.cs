using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Tests.Members.Fakes;
using Microsoft.Extensions.Time.Testing;
using static EcomFunctions.Domain.Tests.Members.MemberTestData;

namespace EcomFunctions.Domain.Tests.Members;

public sealed class MemberProfilesTests
{
    private readonly InMemoryMemberRepository repository = new();
    private readonly FakeTimeProvider clock = new(RunTime);
    private readonly MemberOptions options = MemberOptions();
    private readonly ContactProtector protector = Protector();

    private MemberProfiles Profiles => new(repository, protector, options, clock);

    private static MemberProfileUpdate Update(string email = "Alice@Example.com", DateTimeOffset? signedUpAt = null) => new()
    {
        SignedUpAt = signedUpAt ?? Utc(2024, 1, 1),
        Name = "Alice",
        Email = email,
        Phone = "138 0013 8000",
        Birthday = Birthday.Create(6, 10),
        PreferredChannel = ContactChannel.Email,
        Consents = [new ConsentChange(ContactChannel.Email, true, Utc(2024, 1, 1)), new ConsentChange(ContactChannel.Push, true, Utc(2024, 1, 1))],
    };

    [Fact]
    public async Task Upsert_creates_the_member_with_personal_data_encrypted()
    {
        var outcome = (await Profiles.UpsertAsync("m-1", Update(), default)).GetValueOrThrow();

        var stored = repository.Peek("m-1")!;
        Assert.True(outcome.Created);
        Assert.Equal((MemberTier.Regular, true, true, Shanghai), (outcome.Member.Tier, outcome.Member.HasEmail, outcome.Member.HasPhone, outcome.Member.TimeZone));
        Assert.DoesNotContain("alice", stored.Personal.EncryptedEmail!, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("13800138000", stored.Personal.EncryptedPhone!, StringComparison.Ordinal);
        var details = (await Profiles.GetPersonalDetailsAsync("m-1", default)).GetValueOrThrow();
        Assert.Equal(("Alice", "alice@example.com", "+8613800138000"), (details.Name, details.Email, details.Phone));
    }

    [Fact]
    public async Task Creating_a_member_requires_a_sign_up_date()
    {
        var result = await Profiles.UpsertAsync("m-1", new MemberProfileUpdate { Name = "Alice" }, default);

        Assert.Equal(ProblemKind.Validation, result.Problem!.Kind);
        Assert.Contains("signedUpAt", result.Problem.Errors!.Keys);
    }

    [Fact]
    public async Task Invalid_fields_are_reported_together()
    {
        var result = await Profiles.UpsertAsync("m-1", new MemberProfileUpdate
        {
            SignedUpAt = Utc(2024, 1, 1), Email = "nope", Phone = "12", TimeZone = "Mars/Olympus",
        }, default);

        Assert.Equal(["email", "phone", "timeZone"], result.Problem!.Errors!.Keys.Order());
        Assert.Null(repository.Peek("m-1"));
    }

    [Fact]
    public async Task Invalid_member_id_is_rejected()
    {
        Assert.Equal(ProblemKind.Validation, (await Profiles.UpsertAsync("bad/id", Update(), default)).Problem!.Kind);
    }

    [Fact]
    public async Task Storefront_sync_never_changes_tier_growth_or_points()
    {
        await Profiles.UpsertAsync("m-1", Update(), default);
        var member = WithTier(repository.Peek("m-1")!, MemberTier.Gold);
        member.Record(MemberActivity.Purchase("p1", RunTime - TimeSpan.FromDays(1), 300m), options);
        repository.Put(member);

        var outcome = (await Profiles.UpsertAsync("m-1", Update(signedUpAt: Utc(2020, 1, 1)) , default)).GetValueOrThrow();

        Assert.False(outcome.Created);
        Assert.Equal((MemberTier.Gold, 300L, 450L), (outcome.Member.Tier, outcome.Member.GrowthLifetime, outcome.Member.PointsAvailable));
        Assert.Equal(Utc(2024, 1, 1), outcome.Member.SignedUpAt); // the first sync's sign-up date stands
    }

    [Fact]
    public async Task A_profile_changed_concurrently_is_re_read_and_both_changes_survive()
    {
        await Profiles.UpsertAsync("m-1", Update(), default);
        repository.BeforeSave = id =>
        {
            var concurrent = repository.Peek(id)!;
            concurrent.Record(MemberActivity.Login("l1", RunTime), options);
            repository.Put(concurrent);
        };

        var result = await Profiles.UpsertAsync("m-1", Update(email: "new@example.com"), default);

        Assert.True(result.IsSuccess);
        var stored = repository.Peek("m-1")!;
        Assert.Equal(RunTime, stored.LastLoginAt);
        Assert.Equal(protector.EmailLookup("new@example.com"), stored.Personal.EmailLookup);
    }

    [Fact]
    public async Task Get_shows_tier_progress_points_and_lifecycle()
    {
        await Profiles.UpsertAsync("m-1", Update(), default);
        var member = repository.Peek("m-1")!;
        member.Record(MemberActivity.Purchase("p1", RunTime - TimeSpan.FromDays(70), 400m), options);
        repository.Put(member);

        var view = (await Profiles.GetAsync("m-1", default)).GetValueOrThrow();

        Assert.Equal((400L, 400L, LifecycleState.Dormant), (view.GrowthRollingTwelveMonths, view.PointsAvailable, view.Lifecycle));
        Assert.Equal(new TierProgress(MemberTier.Regular, MemberTier.Silver, 500, 100), view.Progress);
        Assert.Equal(ProblemKind.NotFound, (await Profiles.GetAsync("nobody", default)).Problem!.Kind);
    }

    [Fact]
    public async Task Erasure_removes_personal_data_and_keeps_aggregates()
    {
        await Profiles.UpsertAsync("m-1", Update(), default);
        var member = WithTier(repository.Peek("m-1")!, MemberTier.Silver);
        member.Record(MemberActivity.Purchase("p1", RunTime - TimeSpan.FromDays(3), 250m), options);
        repository.Put(member);

        var view = (await Profiles.EraseAsync("m-1", default)).GetValueOrThrow();

        var stored = repository.Peek("m-1")!;
        Assert.True(view.IsErased);
        Assert.True(stored.Personal.IsEmpty);
        Assert.Null(stored.Personal.EmailLookup);
        Assert.Null(stored.Birthday);
        Assert.Empty(stored.Consents);
        Assert.Null(stored.PreferredChannel);
        Assert.Equal(options.StoreTimeZone, stored.TimeZoneId);
        Assert.Equal((MemberTier.Silver, 250L, 300L, Utc(2024, 1, 1)), (stored.Tier, stored.Growth.Lifetime, stored.Points.Held, stored.SignedUpAt));
        Assert.Equal(RunTime - TimeSpan.FromDays(3), stored.LastPurchaseAt);
        Assert.Equal(MemberEventTypes.MemberErased, Assert.Single(repository.Outbox).Type);
    }

    [Fact]
    public async Task Erasure_is_idempotent_and_blocks_re_creation_and_decryption()
    {
        await Profiles.UpsertAsync("m-1", Update(), default);
        await Profiles.EraseAsync("m-1", default);

        var again = await Profiles.EraseAsync("m-1", default);

        Assert.True(again.IsSuccess);
        Assert.Single(repository.Outbox);
        Assert.Equal(ProblemKind.Gone, (await Profiles.UpsertAsync("m-1", Update(), default)).Problem!.Kind);
        Assert.Equal(ProblemKind.Gone, (await Profiles.GetPersonalDetailsAsync("m-1", default)).Problem!.Kind);
        Assert.Equal(ProblemKind.NotFound, (await Profiles.FindByEmailAsync("alice@example.com", default)).Problem!.Kind);
    }

    [Fact]
    public async Task Members_are_found_by_email_or_phone_in_any_notation()
    {
        await Profiles.UpsertAsync("m-1", Update(), default);

        Assert.Equal("m-1", (await Profiles.FindByEmailAsync("  ALICE@example.COM", default)).GetValueOrThrow().Id);
        Assert.Equal("m-1", (await Profiles.FindByPhoneAsync("+86 138-0013-8000", default)).GetValueOrThrow().Id);
        Assert.Equal(ProblemKind.Validation, (await Profiles.FindByEmailAsync("nope", default)).Problem!.Kind);
    }

    [Fact]
    public async Task An_old_email_no_longer_finds_the_member()
    {
        await Profiles.UpsertAsync("m-1", Update(), default);
        await Profiles.UpsertAsync("m-1", Update(email: "new@example.com"), default);

        Assert.Equal(ProblemKind.NotFound, (await Profiles.FindByEmailAsync("alice@example.com", default)).Problem!.Kind);
        Assert.Equal("m-1", (await Profiles.FindByEmailAsync("new@example.com", default)).GetValueOrThrow().Id);
    }

    [Fact]
    public async Task Storage_outage_is_reported_as_unavailable()
    {
        repository.FailSavesWith = Problem.Unavailable("down");

        Assert.Equal(ProblemKind.Unavailable, (await Profiles.UpsertAsync("m-1", Update(), default)).Problem!.Kind);
    }
}
