using EcomFunctions.Domain.Members;
using static EcomFunctions.Domain.Tests.Members.MemberTestData;

namespace EcomFunctions.Domain.Tests.Members;

/// <summary>The win-back run plans from a member's planning view (<see cref="Member.ToWinBackState"/>), not the whole state.</summary>
public sealed class WinBackViewTests
{
    private static readonly string[] Zones = [Shanghai, "America/Los_Angeles", "Europe/London", "Asia/Hong_Kong"];

    [Fact]
    public void Planner_decides_every_kind_of_member_exactly_as_from_the_whole_state()
    {
        var memberOptions = MemberOptions();
        var options = ReactivationOptions();
        var planner = new ReactivationPlanner(memberOptions, options);
        var run = ReactivationRun.Start(RunTime, memberOptions);
        var protector = Protector();
        var random = new Random(20250610);
        var reasons = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 600; i++)
        {
            var id = $"view-{i:D4}";
            var zone = Zones[random.Next(Zones.Length)];
            var idle = TimeSpan.FromDays(random.Next(0, 720)) + TimeSpan.FromMinutes(random.Next(0, 1440));
            var member = NewMember(id, RunTime - idle - TimeSpan.FromDays(random.Next(1, 400)), zone);
            var wantsEmail = random.Next(3) == 0;
            var wantsPhone = random.Next(4) == 0;
            var consents = Enum.GetValues<ContactChannel>().Where(_ => random.Next(2) == 0)
                .Select(c => new ConsentChange(c, true, member.SignedUpAt)).ToList();
            ContactChannel? preferred = random.Next(3) == 0 ? Enum.GetValues<ContactChannel>()[random.Next(3)] : null;
            var personal = protector.Protect(id, new PersonalDetails { Name = "Name " + i, Email = wantsEmail ? $"{id}@example.com" : null, Phone = wantsPhone ? "13800138000" : null })
                .GetValueOrThrow();
            member.UpdateProfile(new MemberProfile(zone, null, preferred, personal), consents, member.SignedUpAt);
            for (var o = random.Next(0, 9); o > 0; o--)
            {
                member.Record(MemberActivity.Purchase($"o{o}", RunTime - idle - TimeSpan.FromDays(o * random.Next(5, 60)), 10m + random.Next(0, 3000)), memberOptions);
            }

            member.Record(MemberActivity.Login("l", RunTime - idle), memberOptions);
            if (random.Next(40) == 0)
            {
                member.Erase(RunTime - TimeSpan.FromDays(1), memberOptions.StoreTimeZone);
            }

            var state = member.ToState();
            state.Tier = Enum.GetValues<MemberTier>()[random.Next(Enum.GetValues<MemberTier>().Length)];
            var full = Member.FromState(state);
            ContactRecord[] history = random.Next(5) == 0
                ? [new ContactRecord($"winback:2025-06-01:{id}", id, new DateOnly(2025, 6, 1), RunTime - TimeSpan.FromDays(random.Next(1, 40)),
                    ContactChannel.Push, LifecycleState.Dormant, "c", 3m, false, ContactStatus.Sent)]
                : [];

            var expected = planner.Decide(full, history, run);
            var fromView = planner.Decide(Member.FromState(full.ToWinBackState()), history, run);

            Assert.Equal(expected, fromView);
            reasons.Add(expected is ReactivationSkip skip ? skip.Reason.ToString() : ((ReactivationTarget)expected).Holdout ? "holdout" : "target");
        }

        // The sample reaches every branch of the planner that depends on the member (not only the easy ones).
        Assert.Superset(new HashSet<string>(["target", "holdout", "Active", "Erased", "Cap", "NoConsent"]), reasons);
    }

    [Fact]
    public void View_keeps_only_what_planning_needs_of_the_personal_data()
    {
        var member = IdleMember("view-1", RunTime, TimeSpan.FromDays(90));
        member.UpdateProfile(new MemberProfile(Shanghai, Birthday.Create(3, 4), ContactChannel.Email,
            Protector().Protect("view-1", new PersonalDetails { Name = "Alice", Email = "alice@example.com" }).GetValueOrThrow()), [], RunTime - TimeSpan.FromDays(90));

        var view = member.ToWinBackState();

        Assert.Equal(member.Personal.EncryptedEmail, view.Personal.EncryptedEmail);
        Assert.Null(view.Personal.EncryptedName);
        Assert.Null(view.Personal.EmailLookup);
        Assert.Null(view.Birthday);
        Assert.Empty(view.GrowthByMonth);
        Assert.Empty(view.PointsLots);
    }
}
