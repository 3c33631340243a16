using System.Globalization;
using System.Text;
using EcomFunctions.Domain.Campaigns;
using static EcomFunctions.Domain.Tests.Campaigns.CampaignTestData;

namespace EcomFunctions.Domain.Tests.Campaigns;

public sealed class EvaluationReportTests
{
    private static MetricsBucket Bucket(CampaignChannel channel, string variant, int hour, long visits, long pageViews, long orders, decimal value, long newMembers, long participants) =>
        new(new MetricsBucketKey(CampaignId, Start.AddHours(hour), channel, variant),
            new MetricsCounts { Visits = visits, PageViews = pageViews, Orders = orders, OrderValue = value, NewMembers = newMembers, ParticipatingMembers = participants });

    /// <summary>Totals: UV 2000, PV 7000, 100 orders, sales 20 000.00, 40 new members, 400 participants.</summary>
    private static readonly MetricsBucket[] Metrics =
    [
        Bucket(CampaignChannel.App, "A", 1, 1000, 4000, 50, 10_000.00m, 20, 200),
        Bucket(CampaignChannel.App, "B", 1, 800, 2400, 30, 4_500.00m, 10, 150),
        Bucket(CampaignChannel.Web, "A", 2, 200, 600, 20, 5_500.00m, 10, 50),
    ];

    /// <summary>Cost 5 000: coupons 3 000 (App/A 2 000, App/B 500, Web/A 500), ads 1 000 (App), labour 1 000 (unattributed).</summary>
    private static readonly SpendSummary Spend = SpendSummary.FromEntries(
    [
        SpendEntry.ForCouponRedemption(CampaignId, "c1", 2_000m, Start, Options(), channel: CampaignChannel.App, variant: "A"),
        SpendEntry.ForCouponRedemption(CampaignId, "c2", 500m, Start, Options(), channel: CampaignChannel.App, variant: "B"),
        SpendEntry.ForCouponRedemption(CampaignId, "c3", 500m, Start, Options(), channel: CampaignChannel.Web, variant: "A"),
        SpendEntry.ForPaidPromotion(CampaignId, "ad-1", 1_000m, Start, CampaignChannel.App),
        new SpendEntry { EntryId = "labour-1", CampaignId = CampaignId, Line = BudgetLineKind.Labour, Amount = 1_000m, At = Start, Source = SpendSource.Cost },
    ]);

    private static CampaignIncident Incident(string id, int hour, bool resolved)
    {
        var incident = CampaignIncident.Open(InState(CampaignState.Live), new IncidentReport
        {
            Id = id,
            Type = IncidentType.Payment,
            Severity = IncidentSeverity.High,
            Title = "Payment timeouts",
            Actions = [new IncidentAction(IncidentActionKind.PauseMechanic, "flash"), new IncidentAction(IncidentActionKind.NotifyOwners)],
        }, id, Planner, Start.AddHours(hour)).GetValueOrThrow();
        return resolved ? incident.Resolve("gateway failover", Planner, Start.AddHours(hour + 1)).GetValueOrThrow() : incident;
    }

    private static EvaluationReport Report(Campaign? campaign = null, MetricsCounts? baseline = null, long? eligible = 8_000) =>
        EvaluationReport.Build(new EvaluationInput
        {
            Campaign = campaign ?? InState(CampaignState.Ended).Apply(c => c.RecordLessons("Start the flash sale earlier.", Planner, End.AddHours(1))),
            Metrics = Metrics,
            Baseline = baseline ?? new MetricsCounts { Orders = 80, OrderValue = 12_000m, Visits = 3_000 },
            Spend = Spend,
            Incidents = [Incident("inc-2", 5, resolved: false), Incident("inc-1", 3, resolved: true)],
            EligibleMembers = eligible,
            Stock = new StockOutcome(500, 400),
            GeneratedAt = End.AddHours(24),
        });

    [Fact]
    public void Headline_figures_follow_the_report_formulas()
    {
        var t = Report().Totals;

        Assert.Equal(20_000m, t.Sales);
        Assert.Equal(100, t.Orders);
        Assert.Equal(200m, t.AverageOrderValue);            // 20 000 / 100
        Assert.Equal((2_000L, 7_000L), (t.Visits, t.PageViews));
        Assert.Equal(3.5m, t.PageViewsPerVisit);            // 7 000 / 2 000
        Assert.Equal(0.05m, t.ConversionRate);              // 100 / 2 000
        Assert.Equal(0.1m, t.NewUserShare);                 // 40 / 400
        Assert.Equal(0.05m, t.Coverage);                    // 400 / 8 000
        Assert.Equal(0.8m, t.SellThroughRate);              // 400 / 500
        Assert.Equal(5_000m, t.Cost);
        Assert.Equal(3m, t.Roi);                            // (20 000 − 5 000) / 5 000
    }

    [Fact]
    public void Incremental_roi_is_measured_against_the_same_length_window_before_preheat()
    {
        var b = Report().Baseline;

        Assert.Equal(new TimeWindow(At(9, 1), At(9, 8)), b.Window);   // 7 days, ending where preheat starts
        Assert.True(b.Known);
        Assert.Equal((12_000m, 80L), (b.BaselineSales, b.BaselineOrders));
        Assert.Equal(8_000m, b.IncrementalSales);           // 20 000 − 12 000
        Assert.Equal(0.6667m, b.SalesLift);                 // 8 000 / 12 000, 4 decimals
        Assert.Equal(0.6m, b.IncrementalRoi);               // (20 000 − 12 000 − 5 000) / 5 000
    }

    [Fact]
    public void Without_preheat_the_baseline_ends_at_the_start() =>
        Assert.Equal(new TimeWindow(At(9, 3), At(9, 10)),
            EvaluationReport.BaselineWindowOf(Plan().Schedule with { PreheatStart = null }));

    [Fact]
    public void A_campaign_below_its_baseline_has_a_negative_incremental_roi()
    {
        var b = Report(baseline: new MetricsCounts { OrderValue = 30_000m }).Baseline;

        Assert.Equal(-10_000m, b.IncrementalSales);
        Assert.Equal(-3m, b.IncrementalRoi);                // (20 000 − 30 000 − 5 000) / 5 000
    }

    [Fact]
    public void Actual_is_compared_with_the_target()
    {
        Assert.Equal(new TargetOutcome(TargetMetric.Sales, 500_000m, 20_000m, 0.04m, false), Report().Target);

        var conversionGoal = InState(CampaignState.Ended, Plan() with { Goal = new CampaignGoal(CampaignGoalType.SalesGrowth, TargetMetric.ConversionRate, 0.04m) });
        Assert.Equal(new TargetOutcome(TargetMetric.ConversionRate, 0.04m, 0.05m, 1.25m, true), Report(conversionGoal).Target);
    }

    [Theory]
    [InlineData(TargetMetric.Orders, 100)]
    [InlineData(TargetMetric.AverageOrderValue, 200)]
    [InlineData(TargetMetric.Visits, 2000)]
    [InlineData(TargetMetric.PageViews, 7000)]
    [InlineData(TargetMetric.NewMembers, 40)]
    [InlineData(TargetMetric.NewUserShare, 0.1)]
    [InlineData(TargetMetric.ParticipatingMembers, 400)]
    [InlineData(TargetMetric.Coverage, 0.05)]
    [InlineData(TargetMetric.SellThroughRate, 0.8)]
    public void Every_target_metric_has_an_actual(TargetMetric metric, double expected) =>
        Assert.Equal((decimal)expected, EvaluationReport.ActualOf(metric, Report().Totals));

    [Fact]
    public void Channels_show_their_input_and_output()
    {
        var byChannel = Report().ByChannel;

        Assert.Equal(["App", "Web"], byChannel.Select(c => c.Segment));
        // App: UV 1 800, 80 orders, sales 14 500, cost 3 500 (coupons 2 500 + ads 1 000).
        Assert.Equal(new SegmentFigures("App", 1_800, 6_400, 80, 14_500m, 181.25m, 0.0444m, 3_500m, 3.1429m), byChannel[0]);
        Assert.Equal(new SegmentFigures("Web", 200, 600, 20, 5_500m, 275m, 0.1m, 500m, 10m), byChannel[1]);
    }

    [Fact]
    public void Variants_show_their_input_and_output()
    {
        var byVariant = Report().ByVariant;

        Assert.Equal(new SegmentFigures("A", 1_200, 4_600, 70, 15_500m, 221.43m, 0.0583m, 2_500m, 5.2m), byVariant[0]);
        Assert.Equal(new SegmentFigures("B", 800, 2_400, 30, 4_500m, 150m, 0.0375m, 500m, 8m), byVariant[1]);
    }

    [Fact]
    public void The_budget_variance_compares_plan_and_actual_per_line()
    {
        var variance = Report().BudgetVariance;

        var marketing = variance.Single(l => l.Line == BudgetLineKind.Marketing);
        Assert.Equal((60_000m, 3_000m, -57_000m, 0.05m), (marketing.Planned, marketing.Spent, marketing.VarianceToPlan, marketing.Burn));
        Assert.Equal(0.2m, variance.Single(l => l.Line == BudgetLineKind.Labour).Burn);
        Assert.Equal(6, variance.Count);
    }

    [Fact]
    public void Incidents_are_listed_in_order_with_the_open_ones_counted()
    {
        var report = Report();

        Assert.Equal(["inc-1", "inc-2"], report.Incidents.Select(i => i.Id));
        Assert.Equal(1, report.OpenIncidents);
        Assert.Equal((IncidentStatus.Resolved, Start.AddHours(4), "gateway failover"), (report.Incidents[0].Status, report.Incidents[0].ResolvedAt, report.Incidents[0].Resolution));
        Assert.Equal("PauseMechanic(flash); NotifyOwners", report.Incidents[1].Actions);
        Assert.Equal("Start the flash sale earlier.", report.LessonsLearned);
    }

    [Fact]
    public void Nothing_divides_by_zero()
    {
        var report = EvaluationReport.Build(new EvaluationInput { Campaign = InState(CampaignState.Ended), EligibleMembers = 0 });
        var t = report.Totals;

        Assert.Equal((0m, 0L, 0m), (t.Sales, t.Orders, t.Cost));
        Assert.Null(t.AverageOrderValue);
        Assert.Null(t.ConversionRate);
        Assert.Null(t.PageViewsPerVisit);
        Assert.Null(t.NewUserShare);
        Assert.Null(t.Coverage);
        Assert.Null(t.Roi);
        Assert.Null(t.SellThroughRate);
        Assert.False(report.Baseline.Known);
        Assert.Null(report.Baseline.IncrementalRoi);
        Assert.Null(report.Baseline.SalesLift);
        Assert.Equal(new TargetOutcome(TargetMetric.Sales, 500_000m, 0m, 0m, false), report.Target);
        Assert.All(report.ByChannel, c => Assert.Null(c.Roi));
    }

    [Fact]
    public void A_known_baseline_without_sales_gives_no_lift_but_an_incremental_roi()
    {
        var b = Report(baseline: MetricsCounts.Zero).Baseline;

        Assert.Null(b.SalesLift);
        Assert.Equal(3m, b.IncrementalRoi);
    }

    [Fact]
    public void Unknown_eligible_members_leave_coverage_unknown() =>
        Assert.Null(Report(eligible: null).Totals.Coverage);

    [Fact]
    public void A_killed_campaign_report_says_who_killed_it_and_why()
    {
        var report = Report(InState(CampaignState.Killed));

        Assert.Equal(new CampaignDecision("planner-pat", Start.AddHours(2), "payment outage"), report.Termination);
        Assert.Null(Report().Termination);
    }

    [Fact]
    public void Csv_has_one_header_and_four_fields_per_crlf_terminated_row()
    {
        var csv = EvaluationReportCsv.Render(Report());

        Assert.StartsWith("section,scope,metric,value\r\n", csv, StringComparison.Ordinal);
        Assert.EndsWith("\r\n", csv, StringComparison.Ordinal);
        var rows = ParseCsv(csv);
        Assert.All(rows, r => Assert.Equal(4, r.Length));
        Assert.Equal(20_000m, Value(rows, "totals", "", "sales"));
        Assert.Equal(3m, Value(rows, "totals", "", "roi"));
        Assert.Equal(0.6m, Value(rows, "baseline", "", "incrementalRoi"));
        Assert.Equal(3.1429m, Value(rows, "channel", "App", "roi"));
        Assert.Equal(221.43m, Value(rows, "variant", "A", "averageOrderValue"));
        Assert.Equal(-57_000m, Value(rows, "budget", "Marketing", "varianceToPlan"));
        Assert.Contains(rows, r => r.SequenceEqual(["campaign", "", "start", "2025-09-09T16:00:00Z"]));
        Assert.Contains(rows, r => r.SequenceEqual(["incident", "inc-2", "actions", "PauseMechanic(flash); NotifyOwners"]));
    }

    [Fact]
    public void Csv_quotes_commas_quotes_and_line_breaks_per_rfc_4180()
    {
        const string Lessons = "Coupons ran out by 21:00, \"too fast\"\nNext time: 2x stock";
        var ended = InState(CampaignState.Ended).Apply(c => c.RecordLessons(Lessons, Planner, End.AddHours(1)));

        var csv = EvaluationReportCsv.Render(Report(ended));

        Assert.Contains("notes,,lessonsLearned,\"Coupons ran out by 21:00, \"\"too fast\"\"\nNext time: 2x stock\"\r\n", csv, StringComparison.Ordinal);
        Assert.Contains(ParseCsv(csv), r => r.SequenceEqual(["notes", "", "lessonsLearned", Lessons]));
        Assert.Equal("plain", EvaluationReportCsv.Field("plain"));
        Assert.Equal("\"a,b\"", EvaluationReportCsv.Field("a,b"));
        Assert.Equal("", EvaluationReportCsv.Field(null));
    }

    [Fact]
    public void Csv_leaves_unknown_ratios_empty()
    {
        var rows = ParseCsv(EvaluationReportCsv.Render(EvaluationReport.Build(new EvaluationInput { Campaign = InState(CampaignState.Ended) })));

        Assert.Contains(rows, r => r.SequenceEqual(["totals", "", "roi", ""]));
        Assert.Contains(rows, r => r.SequenceEqual(["baseline", "", "known", "false"]));
    }

    [Fact]
    public void Csv_uses_the_invariant_culture_whatever_the_thread_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            var csv = EvaluationReportCsv.Render(Report());

            Assert.Contains("totals,,conversionRate,0.05\r\n", csv, StringComparison.Ordinal);
            Assert.Contains("totals,,pageViewsPerVisit,3.5\r\n", csv, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Csv_defuses_operator_text_that_a_spreadsheet_would_run_as_a_formula()
    {
        var ended = InState(CampaignState.Ended).Apply(c => c.RecordLessons("=HYPERLINK(\"http://x\")", Planner, End.AddHours(1)));

        var rows = ParseCsv(EvaluationReportCsv.Render(Report(ended)));

        Assert.Contains(rows, r => r.SequenceEqual(["notes", "", "lessonsLearned", "'=HYPERLINK(\"http://x\")"]));
        Assert.Equal(-57_000m, Value(rows, "budget", "Marketing", "varianceToPlan"));
    }

    private static decimal Value(List<string[]> rows, string section, string scope, string metric) =>
        decimal.Parse(rows.Single(r => r[0] == section && r[1] == scope && r[2] == metric)[3], CultureInfo.InvariantCulture);

    /// <summary>A minimal RFC 4180 reader (quoted fields, doubled quotes, CRLF records) to check what a consumer sees.</summary>
    private static List<string[]> ParseCsv(string csv)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add([.. row]);
                row.Clear();
                i++;
            }
            else
            {
                field.Append(c);
            }
        }

        Assert.Empty(row);
        Assert.Equal(0, field.Length);
        return rows.Skip(1).ToList();
    }
}
