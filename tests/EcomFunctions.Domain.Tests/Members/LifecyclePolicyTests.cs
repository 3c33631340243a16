using EcomFunctions.Domain.Members;
using static EcomFunctions.Domain.Tests.Members.MemberTestData;

namespace EcomFunctions.Domain.Tests.Members;

public sealed class LifecyclePolicyTests
{
    private static readonly DateTimeOffset Now = RunTime;

    [Theory]
    [InlineData(0, LifecycleState.Active)]
    [InlineData(59, LifecycleState.Active)]
    [InlineData(60, LifecycleState.Dormant)]
    [InlineData(61, LifecycleState.Dormant)]
    [InlineData(179, LifecycleState.Dormant)]
    [InlineData(180, LifecycleState.Churned)]
    [InlineData(400, LifecycleState.Churned)]
    public void State_follows_days_since_last_activity(int days, LifecycleState expected)
    {
        Assert.Equal(expected, LifecyclePolicy.Classify(Now - TimeSpan.FromDays(days), Now, MemberOptions()));
    }

    [Fact]
    public void One_second_before_the_dormant_threshold_is_still_active()
    {
        var options = MemberOptions();
        Assert.Equal(LifecycleState.Active, LifecyclePolicy.Classify(Now - TimeSpan.FromDays(60) + TimeSpan.FromSeconds(1), Now, options));
        Assert.Equal(LifecycleState.Dormant, LifecyclePolicy.Classify(Now - TimeSpan.FromDays(180) + TimeSpan.FromSeconds(1), Now, options));
    }

    [Theory]
    [InlineData(59, LifecycleState.Active)]
    [InlineData(60, LifecycleState.Dormant)]
    [InlineData(179, LifecycleState.Dormant)]
    [InlineData(180, LifecycleState.Churned)]
    public void Never_active_member_is_measured_from_sign_up(int daysSinceSignUp, LifecycleState expected)
    {
        var member = NewMember(signedUpAt: Now - TimeSpan.FromDays(daysSinceSignUp));

        Assert.Null(member.LastLoginAt);
        Assert.Null(member.LastPurchaseAt);
        Assert.Equal(expected, member.Lifecycle(Now, MemberOptions()));
    }

    [Fact]
    public void A_recent_purchase_keeps_a_member_active_even_without_logins()
    {
        var options = MemberOptions();
        var member = NewMember(signedUpAt: Now - TimeSpan.FromDays(400));
        member.Record(MemberActivity.Login("l1", Now - TimeSpan.FromDays(300)), options);
        member.Record(MemberActivity.Purchase("p1", Now - TimeSpan.FromDays(10), 50m), options);

        Assert.Equal(LifecycleState.Active, member.Lifecycle(Now, options));
        Assert.Equal(Now - TimeSpan.FromDays(10), member.LastActivityAt);
    }

    [Fact]
    public void Reviews_shares_and_tasks_do_not_count_as_activity()
    {
        var options = MemberOptions();
        var member = NewMember(signedUpAt: Now - TimeSpan.FromDays(100));
        member.Record(MemberActivity.ReviewApproved("r1", Now - TimeSpan.FromDays(1), withPhoto: false), options);
        member.Record(MemberActivity.Share("s1", Now - TimeSpan.FromDays(1)), options);

        Assert.Equal(LifecycleState.Dormant, member.Lifecycle(Now, options));
    }

    [Fact]
    public void Thresholds_are_options()
    {
        var options = MemberOptions();
        options.DormantAfter = TimeSpan.FromDays(30);
        options.ChurnedAfter = TimeSpan.FromDays(90);

        Assert.Equal(LifecycleState.Dormant, LifecyclePolicy.Classify(Now - TimeSpan.FromDays(30), Now, options));
        Assert.Equal(LifecycleState.Churned, LifecyclePolicy.Classify(Now - TimeSpan.FromDays(90), Now, options));
    }
}
