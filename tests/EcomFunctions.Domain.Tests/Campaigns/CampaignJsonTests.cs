using System.Text.Json;
using EcomFunctions.Domain.Campaigns;
using static EcomFunctions.Domain.Tests.Campaigns.CampaignTestData;

using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Tests.Campaigns;

public sealed class CampaignJsonTests
{
    private static CampaignPlan EveryMechanic()
    {
        var window = new TimeWindow(Start, Start.AddHours(6));
        return Plan() with
        {
            Mechanics =
            [
                new FullReductionMechanic { Id = "fr", Tiers = [new(200m, 20m)] },
                new PercentOffMechanic { Id = "po", PercentOff = 10m, MaxDiscount = 50m, Variants = ["A"] },
                new TimeLimitedDiscountMechanic { Id = "tld", PercentOff = 15m, Window = window },
                new FlashSaleMechanic { Id = "fs", Sku = "SKU-1", FlashPrice = 9.9m, Stock = 100, PerMemberLimit = 2, Window = window },
                new GroupBuyMechanic { Id = "gb", Sku = "SKU-2", GroupPrice = 49m, MinimumGroupSize = 3, TimeToForm = TimeSpan.FromHours(2), Window = window },
                new PointsRedemptionMechanic { Id = "pr", PointsPerCurrencyUnit = 100, MaxShareOfOrder = 0.3m, Window = window },
                new GiftWithPurchaseMechanic { Id = "gw", MinimumSpend = 199m, GiftSku = "TOTE", GiftStock = 50, GiftValue = 12m, Window = window },
                new CouponMechanic { Id = "cp", CouponDefinitionId = CouponDefinitionId, Window = new TimeWindow(PreheatStart, End) },
                new MemberExclusiveMechanic { Id = "me", MinimumTier = MemberTier.Gold, PercentOff = 12m, Window = window },
            ],
            Schedule = Plan().Schedule with { Stages = [new CampaignStage("Main", StageKind.Main, Start, End)] },
        };
    }

    [Fact]
    public void A_campaign_with_every_mechanic_and_its_history_reads_back_as_written()
    {
        Assert.True(Check(EveryMechanic()).IsValid);
        var campaign = InState(CampaignState.Live, EveryMechanic())
            .Apply(c => c.PauseMechanic("fs", MechanicPauseSource.Incident, "stock", Planner, Start.AddHours(1)))
            .Apply(c => c.ReallocateBudget(BudgetLineKind.Contingency, BudgetLineKind.Marketing, 1_000m, "more coupons", BudgetStatus.Compute(c, SpendSummary.Empty), Planner, Start.AddHours(2)));

        var json = JsonSerializer.Serialize(campaign, CampaignJson.Options);
        var read = JsonSerializer.Deserialize<Campaign>(json, CampaignJson.Options)!;

        Assert.Equal(json, JsonSerializer.Serialize(read, CampaignJson.Options));
        Assert.Equal(campaign.Plan.Mechanics.Select(m => m.GetType()), read.Plan.Mechanics.Select(m => m.GetType()));
        Assert.Equal(TimeSpan.FromHours(2), ((GroupBuyMechanic)read.Plan.Mechanics[4]).TimeToForm);
        Assert.Equal(61_000m, read.AllocatedFor(BudgetLineKind.Marketing));
        Assert.True(read.IsMechanicPaused("fs"));
        Assert.Contains("\"kind\":\"FlashSale\"", json, StringComparison.Ordinal);
        Assert.Contains("\"state\":\"Live\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"duration\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"isSpending\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Incidents_and_reports_read_back_as_written()
    {
        var incident = CampaignIncident.Open(InState(CampaignState.Live), new IncidentReport
        {
            Type = IncidentType.Payment,
            Severity = IncidentSeverity.High,
            Title = "Gateway errors",
            Actions = [new IncidentAction(IncidentActionKind.PauseMechanic, "flash")],
        }, "inc-1", Planner, Start).GetValueOrThrow();
        var report = EvaluationReport.Build(new EvaluationInput
        {
            Campaign = InState(CampaignState.Ended),
            Incidents = [incident],
            Spend = SpendSummary.FromEntries([SpendEntry.ForPaidPromotion(CampaignId, "ad", 10m, Start, CampaignChannel.App)]),
        });

        foreach (var (value, type) in new (object, Type)[] { (incident, typeof(CampaignIncident)), (report, typeof(EvaluationReport)), (report.Totals, typeof(PerformanceFigures)) })
        {
            var json = JsonSerializer.Serialize(value, type, CampaignJson.Options);
            Assert.Equal(json, JsonSerializer.Serialize(JsonSerializer.Deserialize(json, type, CampaignJson.Options), type, CampaignJson.Options));
        }
    }

    [Fact]
    public void The_mechanic_kind_may_come_anywhere_in_the_object()
    {
        var mechanic = JsonSerializer.Deserialize<Mechanic>("""{"id":"x","percentOff":10,"kind":"PercentOff"}""", CampaignJson.Options);

        Assert.Equal(10m, Assert.IsType<PercentOffMechanic>(mechanic).PercentOff);
    }

    [Fact]
    public void An_unknown_or_missing_mechanic_kind_is_refused_on_read()
    {
        var unknown = Record.Exception(() => JsonSerializer.Deserialize<Mechanic>("""{"id":"x","kind":"Lottery"}""", CampaignJson.Options));
        var missing = Record.Exception(() => JsonSerializer.Deserialize<Mechanic>("""{"id":"x"}""", CampaignJson.Options));

        // The App maps both to 400: System.Text.Json reports them as NotSupportedException or JsonException.
        Assert.True(unknown is JsonException or NotSupportedException, unknown?.GetType().Name);
        Assert.True(missing is JsonException or NotSupportedException, missing?.GetType().Name);
    }
}
