using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;

using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Tests.Campaigns;

/// <summary>
/// A valid September 2025 campaign (no peak dates) and helpers to bring a campaign into any state through the real
/// transitions. Times are China Standard Time (+08:00) like the default time zone.
/// </summary>
internal static class CampaignTestData
{
    public const string CampaignId = "autumn-2025";
    public const string CouponDefinitionId = "def-autumn-20";

    public static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    public static readonly CampaignActor Planner = CampaignActor.Manager("planner-pat");
    public static readonly CampaignActor Editor = CampaignActor.Manager("editor-eve");
    public static readonly CampaignActor Approver = CampaignActor.Approver("approver-amy");
    public static readonly CampaignActor Outsider = new("visitor-vic", ["Moderator"]);

    public static DateTimeOffset At(int month, int day, int hour = 0, int minute = 0, int year = 2025) =>
        new(year, month, day, hour, minute, 0, Cst);

    public static DateTimeOffset PreheatStart => At(9, 8);

    public static DateTimeOffset Start => At(9, 10);

    public static DateTimeOffset End => At(9, 17);

    public static CampaignOptions Options() => new();

    public static CampaignPlan Plan() => new()
    {
        Name = "Autumn member days",
        Theme = "Back to school",
        Description = "Seven days of offers for members.",
        Goal = new CampaignGoal(CampaignGoalType.SalesGrowth, TargetMetric.Sales, 500_000m),
        Schedule = new CampaignSchedule
        {
            PreheatStart = PreheatStart,
            Start = Start,
            End = End,
            TimeZoneId = "Asia/Shanghai",
        },
        Audience = new CampaignAudience { Tiers = [MemberTier.Silver], Segments = [], NewUsers = NewUserPolicy.Include },
        Channels = [CampaignChannel.App, CampaignChannel.Web],
        Mechanics =
        [
            new CouponMechanic { Id = "coupon", CouponDefinitionId = CouponDefinitionId },
            new FullReductionMechanic { Id = "full-reduction", Tiers = [new(200m, 20m), new(500m, 60m)] },
            new FlashSaleMechanic
            {
                Id = "flash",
                Sku = "SKU-1",
                FlashPrice = 9.9m,
                Stock = 500,
                PerMemberLimit = 2,
                Window = new TimeWindow(At(9, 10, 20), At(9, 11, 2)),
            },
        ],
        Budget = new CampaignBudget
        {
            Currency = "CNY",
            Total = 100_000m,
            Lines =
            [
                new(BudgetLineKind.Marketing, 60_000m),
                new(BudgetLineKind.PlatformPromotion, 20_000m),
                new(BudgetLineKind.Labour, 5_000m),
                new(BudgetLineKind.MaterialsLogistics, 5_000m),
                new(BudgetLineKind.Miscellaneous, 4_000m),
                new(BudgetLineKind.Contingency, 6_000m),
            ],
        },
        Variants = [new("A", 50), new("B", 50)],
        Owners = new CampaignOwners { Owners = ["owner-olivia"], ContingencyOwners = ["oncall-carl"] },
    };

    public static CampaignPlanContext Context(params CampaignCalendarEntry[] others) =>
        new(new Dictionary<string, CouponDefinitionSummary> { [CouponDefinitionId] = new(CouponDefinitionId, null, 20m) }, others);

    public static CampaignPlanCheck Check(CampaignPlan plan, CampaignOptions? options = null, CampaignPlanContext? context = null) =>
        CampaignPlanRules.Check(CampaignId, plan, context ?? Context(), options ?? Options());

    public static Campaign Draft(CampaignPlan? plan = null) =>
        Campaign.Create(CampaignId, plan ?? Plan(), [], Planner, At(9, 1, 9)).GetValueOrThrow().Campaign;

    public static Campaign Apply(this Campaign campaign, Func<Campaign, Result<CampaignChange>> operation) =>
        operation(campaign).GetValueOrThrow().Campaign;

    /// <summary>The campaign driven to <paramref name="state"/> by the real transitions, at plausible times.</summary>
    public static Campaign InState(CampaignState state, CampaignPlan? plan = null)
    {
        var options = Options();
        var c = Draft(plan);
        if (state == CampaignState.Draft)
        {
            return c;
        }

        if (state == CampaignState.Cancelled)
        {
            return c.Apply(x => x.Cancel(Planner, At(9, 1, 10), "budget moved to Double 11"));
        }

        c = c.Apply(x => x.Submit(Planner, At(9, 1, 10)));
        if (state == CampaignState.PendingApproval)
        {
            return c;
        }

        if (state == CampaignState.Rejected)
        {
            return c.Apply(x => x.Reject(Approver, At(9, 2, 10), "target too low"));
        }

        c = c.Apply(x => x.Approve(Approver, At(9, 2, 10), "ok"));
        if (state == CampaignState.Approved)
        {
            return c;
        }

        c = c.Apply(x => x.ConfirmReadiness(ReadinessGate.ConfirmableItems.ToList(), Planner, At(9, 5), null));
        c = c.Apply(x => x.Schedule(CampaignActor.System, c.Plan.Schedule.PreheatOrStart));
        if (state == CampaignState.Scheduled)
        {
            return c;
        }

        c = c.Apply(x => x.GoLive(CampaignActor.System, c.Plan.Schedule.Start));
        if (state == CampaignState.Live)
        {
            return c;
        }

        if (state == CampaignState.Paused)
        {
            return c.Apply(x => x.Pause(Planner, c.Plan.Schedule.Start.AddHours(1), "price error on SKU-1"));
        }

        if (state == CampaignState.Killed)
        {
            return c.Apply(x => x.Kill(Planner, c.Plan.Schedule.Start.AddHours(2), "payment outage"));
        }

        c = c.Apply(x => x.End(CampaignActor.System, c.Plan.Schedule.End));
        if (state == CampaignState.Ended)
        {
            return c;
        }

        var report = EvaluationReport.Build(new EvaluationInput { Campaign = c, GeneratedAt = c.Plan.Schedule.End + options.LateOrderWindow });
        return c.Apply(x => x.Evaluate(report, CampaignActor.System, c.Plan.Schedule.End + options.LateOrderWindow, options));
    }
}
