using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Tests.Campaigns.Fakes;
using Microsoft.Extensions.Time.Testing;
using static EcomFunctions.Domain.Tests.Campaigns.CampaignTestData;

using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Tests.Campaigns;

public sealed class CampaignServicesTests
{
    private readonly FakeTimeProvider time = new(At(9, 1, 9));
    private readonly CampaignOptions options = Options();
    private readonly InMemoryCampaignStore store = new();
    private readonly InMemoryBudgetLedger ledger = new();
    private readonly InMemoryIncidentLog incidents = new();
    private readonly InMemoryCampaignMetrics metrics = new();
    private readonly CampaignPlanning planning;
    private readonly CampaignApprovals approvals;
    private readonly CampaignOperations operations;
    private readonly CampaignBudgets budgets;
    private readonly CampaignIncidents incidentDesk;
    private readonly CampaignEvaluation evaluation;
    private readonly CampaignStorefront storefront;

    public CampaignServicesTests()
    {
        var checker = new CampaignPlanChecker(new InMemoryCouponDefinitions(new CouponDefinitionSummary(CouponDefinitionId, null, 20m)), store, options);
        planning = new CampaignPlanning(store, store, checker, time);
        approvals = new CampaignApprovals(store, options, time);
        operations = new CampaignOperations(store, checker, options, time);
        budgets = new CampaignBudgets(store, ledger, options, time);
        incidentDesk = new CampaignIncidents(store, incidents, time);
        evaluation = new CampaignEvaluation(store, metrics, ledger, incidents, new FixedAudienceSizer(8_000), budgets, options, time);
        storefront = new CampaignStorefront(store, metrics, time);
    }

    private static CancellationToken Ct => CancellationToken.None;

    private async Task<Campaign> CreateAsync(CampaignPlan? plan = null, string id = CampaignId) =>
        (await planning.CreateAsync(plan ?? Plan(), Planner, id, Ct)).GetValueOrThrow();

    /// <summary>Created, submitted, approved and readiness confirmed; time is then at 9-5.</summary>
    private async Task<Campaign> ApprovedAndReadyAsync(CampaignPlan? plan = null)
    {
        await CreateAsync(plan);
        (await planning.SubmitAsync(CampaignId, null, Planner, Ct)).GetValueOrThrow();
        time.SetUtcNow(At(9, 2));
        (await approvals.ApproveAsync(CampaignId, "ok", null, Approver, Ct)).GetValueOrThrow();
        time.SetUtcNow(At(9, 5));
        return (await operations.ConfirmReadinessAsync(CampaignId, ReadinessGate.ConfirmableItems.ToList(), null, null, Planner, Ct)).GetValueOrThrow();
    }

    private async Task<Campaign> LiveAsync(CampaignPlan? plan = null)
    {
        await ApprovedAndReadyAsync(plan);
        time.SetUtcNow(PreheatStart);
        (await operations.ScheduleAsync(CampaignId, Ct)).GetValueOrThrow();
        time.SetUtcNow(Start);
        return (await operations.GoLiveAsync(CampaignId, Ct)).GetValueOrThrow();
    }

    [Fact]
    public async Task Creating_a_campaign_saves_a_draft_with_its_warnings_audit_and_event()
    {
        var plan = Plan() with { Channels = [CampaignChannel.App], Schedule = Plan().Schedule with { TimeZoneId = null } };

        var created = (await planning.CreateAsync(plan, Planner, CampaignId, Ct)).GetValueOrThrow();

        Assert.Equal((CampaignState.Draft, 1L), (created.State, created.Version));
        Assert.Equal(CampaignWarningCodes.SingleChannel, Assert.Single(created.Warnings).Code);
        Assert.Equal("Asia/Shanghai", created.TimeZoneId);
        Assert.Equal(CampaignEventTypes.CampaignCreated, Assert.Single(store.Outbox).Type);
        Assert.Equal(CampaignAction.Create, Assert.Single((await planning.AuditTrailAsync(CampaignId, Ct)).GetValueOrThrow()).Action);
    }

    [Fact]
    public async Task An_invalid_plan_is_refused_with_field_errors_and_nothing_saved()
    {
        var plan = Plan() with { Theme = "", Mechanics = [new CouponMechanic { Id = "coupon", CouponDefinitionId = "def-unknown" }] };

        var result = await planning.CreateAsync(plan, Planner, CampaignId, Ct);

        Assert.Equal(ProblemKind.Validation, result.Problem!.Kind);
        Assert.Equal(["mechanics[0].couponDefinitionId", "theme"], result.Problem.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, store.Saves);
    }

    [Fact]
    public async Task Creating_the_same_id_twice_is_a_conflict()
    {
        await CreateAsync();

        Assert.Equal("campaign-exists", (await planning.CreateAsync(Plan(), Planner, CampaignId, Ct)).Problem!.Code);
    }

    [Fact]
    public async Task A_generated_id_is_valid_and_time_ordered()
    {
        var first = (await planning.CreateAsync(Plan(), Planner, null, Ct)).GetValueOrThrow();
        time.Advance(TimeSpan.FromSeconds(1));
        var second = (await planning.CreateAsync(Plan() with { Name = "Another" }, Planner, null, Ct)).GetValueOrThrow();

        Assert.True(CampaignPlanRules.IsValidCampaignId(first.Id));
        Assert.True(string.CompareOrdinal(first.Id, second.Id) < 0);
    }

    [Fact]
    public async Task A_campaign_on_the_same_audience_at_the_same_time_is_reported_as_a_warning()
    {
        await CreateAsync(id: "gold-week");
        (await planning.SubmitAsync("gold-week", null, Planner, Ct)).GetValueOrThrow();

        var created = await CreateAsync(id: "silver-week");

        Assert.Contains(created.Warnings, w => w.Code == CampaignWarningCodes.AudienceOverlap && w.Message.Contains("gold-week", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_update_with_a_stale_version_fails_and_a_current_one_bumps_the_version()
    {
        await CreateAsync();

        Assert.Equal(ProblemKind.PreconditionFailed, (await planning.UpdateAsync(CampaignId, Plan() with { Theme = "New" }, 7, Editor, Ct)).Problem!.Kind);
        var updated = (await planning.UpdateAsync(CampaignId, Plan() with { Theme = "New" }, 1, Editor, Ct)).GetValueOrThrow();
        Assert.Equal(("New", 2L), (updated.Plan.Theme, updated.Version));
        Assert.Equal(["planner-pat", "editor-eve"], updated.PlanAuthors);
    }

    [Fact]
    public async Task An_update_without_if_match_does_not_overwrite_a_concurrent_edit()
    {
        await CreateAsync();
        store.BeforeSave = change => store.Put(change.Campaign with { Version = change.ExpectedVersion + 1, Plan = Plan() with { Theme = "Theirs" } });

        var result = await planning.UpdateAsync(CampaignId, Plan() with { Theme = "Mine" }, null, Editor, Ct);

        Assert.Equal(ProblemKind.PreconditionFailed, result.Problem!.Kind);
        Assert.Equal("Theirs", (await planning.GetAsync(CampaignId, Ct)).GetValueOrThrow().Plan.Theme);
    }

    [Fact]
    public async Task A_spend_batch_is_capped()
    {
        await LiveAsync();
        var entries = Enumerable.Range(0, CampaignBudgets.MaxBatch + 1).Select(i => SpendEntry.ForPaidPromotion(CampaignId, $"ad-{i}", 1m, Start)).ToList();

        Assert.Equal(ProblemKind.TooLarge, (await budgets.RecordSpendAsync(CampaignId, entries, Ct)).Problem!.Kind);
    }

    [Fact]
    public async Task A_submitted_campaign_cannot_be_edited()
    {
        await CreateAsync();
        (await planning.SubmitAsync(CampaignId, null, Planner, Ct)).GetValueOrThrow();

        Assert.Equal("invalid-transition", (await planning.UpdateAsync(CampaignId, Plan(), null, Planner, Ct)).Problem!.Code);
    }

    [Fact]
    public async Task Unknown_campaigns_are_not_found()
    {
        Assert.Equal(ProblemKind.NotFound, (await planning.GetAsync("nope", Ct)).Problem!.Kind);
        Assert.Equal(ProblemKind.NotFound, (await planning.GetAsync("bad/id", Ct)).Problem!.Kind);
        Assert.Equal(ProblemKind.NotFound, (await operations.PauseAsync("nope", "x", null, Planner, Ct)).Problem!.Kind);
    }

    [Fact]
    public async Task Listing_pages_through_campaigns_with_a_capped_page_size()
    {
        foreach (var id in new[] { "c1", "c2", "c3" })
        {
            await CreateAsync(id: id);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        var first = await planning.ListAsync(new CampaignQuery(PageSize: 2), Ct);
        var second = await planning.ListAsync(new CampaignQuery(PageSize: 2, ContinuationToken: first.ContinuationToken), Ct);

        Assert.Equal(["c3", "c2"], first.Items.Select(c => c.Id));
        Assert.Equal(["c1"], second.Items.Select(c => c.Id));
        Assert.Null(second.ContinuationToken);
        Assert.Equal(3, (await planning.ListAsync(new CampaignQuery(PageSize: 10_000), Ct)).Items.Count);
    }

    [Fact]
    public async Task Submitting_twice_publishes_one_event()
    {
        await CreateAsync();

        var first = (await planning.SubmitAsync(CampaignId, null, Planner, Ct)).GetValueOrThrow();
        var second = (await planning.SubmitAsync(CampaignId, null, Planner, Ct)).GetValueOrThrow();

        Assert.Equal(first.Version, second.Version);
        Assert.Single(store.Outbox, e => e.Type == CampaignEventTypes.CampaignSubmitted);
    }

    [Fact]
    public async Task Approval_is_four_eyes_and_audited()
    {
        await CreateAsync();
        (await planning.SubmitAsync(CampaignId, null, Planner, Ct)).GetValueOrThrow();

        var self = await approvals.ApproveAsync(CampaignId, null, null, new CampaignActor(Planner.Id, [CampaignRoles.Approver]), Ct);
        Assert.Equal("four-eyes", self.Problem!.Code);

        time.SetUtcNow(At(9, 2, 15));
        var approved = (await approvals.ApproveAsync(CampaignId, "budget ok", null, Approver, Ct)).GetValueOrThrow();
        Assert.Equal(CampaignState.Approved, approved.State);

        var trail = (await planning.AuditTrailAsync(CampaignId, Ct)).GetValueOrThrow();
        Assert.Equal([CampaignAction.Create, CampaignAction.Submit, CampaignAction.Approve], trail.Select(a => a.Action));
        Assert.Equal(("approver-amy", At(9, 2, 15), "budget ok"), (trail[2].Actor, trail[2].At, trail[2].Comment));
    }

    [Fact]
    public async Task An_unanswered_submission_returns_to_draft_after_the_timeout()
    {
        await CreateAsync();
        (await planning.SubmitAsync(CampaignId, null, Planner, Ct)).GetValueOrThrow();

        time.Advance(TimeSpan.FromHours(71));
        Assert.Equal("approval-not-expired", (await approvals.ExpireAsync(CampaignId, Ct)).Problem!.Code);
        time.Advance(TimeSpan.FromHours(1));
        var expired = (await approvals.ExpireAsync(CampaignId, Ct)).GetValueOrThrow();

        Assert.Equal(CampaignState.Draft, expired.State);
        Assert.Contains(store.Outbox, e => e.Type == CampaignEventTypes.CampaignApprovalExpired);
    }

    [Fact]
    public async Task The_orchestrator_steps_from_approval_to_live()
    {
        await ApprovedAndReadyAsync();
        Assert.Equal(new CampaignStep(CampaignStepKind.WaitForPreheat, PreheatStart), (await operations.NextStepAsync(CampaignId, Ct)).GetValueOrThrow());

        time.SetUtcNow(PreheatStart);
        Assert.Equal(CampaignStepKind.Schedule, (await operations.NextStepAsync(CampaignId, Ct)).GetValueOrThrow().Kind);
        (await operations.ScheduleAsync(CampaignId, Ct)).GetValueOrThrow();
        (await operations.ScheduleAsync(CampaignId, Ct)).GetValueOrThrow();   // a retried activity is a no-op

        time.SetUtcNow(Start);
        Assert.Equal(CampaignStepKind.GoLive, (await operations.NextStepAsync(CampaignId, Ct)).GetValueOrThrow().Kind);
        var live = (await operations.GoLiveAsync(CampaignId, Ct)).GetValueOrThrow();

        Assert.Equal(CampaignState.Live, live.State);
        Assert.Single(store.Outbox, e => e.Type == CampaignEventTypes.CampaignScheduled);
        Assert.Equal(new CampaignStep(CampaignStepKind.Monitor, Start.AddHours(1)), (await operations.NextStepAsync(CampaignId, Ct)).GetValueOrThrow());
    }

    [Fact]
    public async Task A_campaign_that_is_not_ready_does_not_go_live_until_readiness_is_overridden()
    {
        await CreateAsync();
        (await planning.SubmitAsync(CampaignId, null, Planner, Ct)).GetValueOrThrow();
        (await approvals.ApproveAsync(CampaignId, null, null, Approver, Ct)).GetValueOrThrow();
        time.SetUtcNow(PreheatStart);
        (await operations.ScheduleAsync(CampaignId, Ct)).GetValueOrThrow();
        time.SetUtcNow(Start);

        Assert.Equal("not-ready", (await operations.GoLiveAsync(CampaignId, Ct)).Problem!.Code);
        Assert.Equal(3, (await operations.CheckReadinessAsync(CampaignId, Ct)).GetValueOrThrow().Missing.Count);
        (await operations.OverrideReadinessAsync(CampaignId, "stock checked by phone", null, Approver, Ct)).GetValueOrThrow();
        Assert.Equal(CampaignState.Live, (await operations.GoLiveAsync(CampaignId, Ct)).GetValueOrThrow().State);
    }

    [Fact]
    public async Task Pause_resume_and_kill_take_effect_on_offers_and_on_the_claim_path_at_once()
    {
        await LiveAsync();
        ICampaignAvailabilitySource claimPath = store;
        var shopper = new ShopperProfile("member-7", MemberTier.Gold, [], false);
        time.SetUtcNow(Start.AddHours(1));
        Assert.NotEmpty(await storefront.ListOffersAsync(shopper, Ct));

        (await operations.PauseAsync(CampaignId, "price error", null, Planner, Ct)).GetValueOrThrow();
        Assert.Empty(await storefront.ListOffersAsync(shopper, Ct));
        Assert.Equal(CampaignAvailabilityStatus.Paused, (await claimPath.GetAsync(CampaignId, Ct))!.Status);

        (await operations.ResumeAsync(CampaignId, "fixed", null, Planner, Ct)).GetValueOrThrow();
        Assert.NotEmpty(await storefront.ListOffersAsync(shopper, Ct));

        (await operations.KillAsync(CampaignId, "fraud wave", null, Approver, Ct)).GetValueOrThrow();
        Assert.Empty(await storefront.ListOffersAsync(shopper, Ct));
        Assert.False((await claimPath.GetAsync(CampaignId, Ct))!.AllowsMechanic("coupon"));
        Assert.Equal([CampaignEventTypes.CampaignPaused, CampaignEventTypes.CampaignResumed, CampaignEventTypes.CampaignKilled],
            store.Outbox.Select(e => e.Type).Where(t => t is CampaignEventTypes.CampaignPaused or CampaignEventTypes.CampaignResumed or CampaignEventTypes.CampaignKilled));
    }

    [Fact]
    public async Task Extending_re_checks_the_plan_and_refreshes_its_warnings()
    {
        await LiveAsync();
        time.SetUtcNow(Start.AddDays(2));

        var extended = (await operations.ExtendAsync(CampaignId, Start.AddDays(40), "strong demand", null, Planner, Ct)).GetValueOrThrow();

        Assert.Equal(Start.AddDays(40), extended.Plan.Schedule.End);
        Assert.Contains(extended.Warnings, w => w.Code == CampaignWarningCodes.LongCampaign);
        Assert.Equal(["end"], (await operations.ExtendAsync(CampaignId, Start.AddDays(3), "x", null, Planner, Ct)).Problem!.Errors!.Keys);
    }

    [Fact]
    public async Task An_operator_with_a_stale_version_loses_but_the_orchestrator_retries_on_fresh_state()
    {
        await LiveAsync();
        var stale = (await planning.GetAsync(CampaignId, Ct)).GetValueOrThrow().Version;
        (await operations.PauseMechanicAsync(CampaignId, "flash", "recount", null, Planner, Ct)).GetValueOrThrow();

        Assert.Equal(ProblemKind.PreconditionFailed, (await operations.PauseAsync(CampaignId, "x", stale, Planner, Ct)).Problem!.Kind);

        // A concurrent writer slips in between the orchestrator's read and its save, once.
        var interfered = false;
        store.BeforeSave = change =>
        {
            if (!interfered)
            {
                interfered = true;
                store.Put(change.Campaign with { Version = change.Campaign.Version + 5 });
            }
        };
        time.SetUtcNow(End);
        var ended = (await operations.EndAsync(CampaignId, Ct)).GetValueOrThrow();

        Assert.True(interfered);
        Assert.Equal(CampaignState.Ended, ended.State);
    }

    [Fact]
    public async Task Spend_is_recorded_once_per_entry_and_reported_per_line()
    {
        await LiveAsync();

        var first = (await budgets.RecordCouponRedemptionAsync(CampaignId, "cpn-1", 20m, Start.AddHours(1), "coupon", CampaignChannel.App, "A", Ct)).GetValueOrThrow();
        var duplicate = (await budgets.RecordCouponRedemptionAsync(CampaignId, "cpn-1", 20m, Start.AddHours(1), "coupon", CampaignChannel.App, "A", Ct)).GetValueOrThrow();

        Assert.Equal((1, 0), (first.Recorded, first.Duplicates));
        Assert.Equal((0, 1), (duplicate.Recorded, duplicate.Duplicates));
        Assert.Equal(20m, (await budgets.StatusAsync(CampaignId, Ct)).GetValueOrThrow().For(BudgetLineKind.Marketing).Spent);
    }

    [Fact]
    public async Task Invalid_spend_is_refused_with_entry_paths()
    {
        await LiveAsync();

        var result = await budgets.RecordSpendAsync(CampaignId,
        [
            SpendEntry.ForPaidPromotion(CampaignId, "ad-1", 100m, Start),
            SpendEntry.ForPaidPromotion(CampaignId, "ad-2", 100m, Start, line: BudgetLineKind.Contingency),
        ], Ct);

        Assert.Equal(["entries[1].line"], result.Problem!.Errors!.Keys);
        Assert.Empty(ledger.Entries);
    }

    [Fact]
    public async Task Exhausting_the_marketing_line_pauses_spending_mechanics_at_once_and_reallocation_resumes_them()
    {
        await LiveAsync();
        var entries = Enumerable.Range(0, 600).Select(i => SpendEntry.ForCouponRedemption(CampaignId, $"cpn-{i}", 100m, Start.AddHours(2), options)).ToList();

        var recorded = (await budgets.RecordSpendAsync(CampaignId, entries, Ct)).GetValueOrThrow();

        Assert.True(recorded.Check.IsExhausted);
        Assert.Equal(["coupon", "full-reduction", "flash"], recorded.Campaign.PausedMechanics.Select(p => p.MechanicId));
        Assert.Equal(2, store.Outbox.Count(e => e.Type == CampaignEventTypes.BudgetAlert));
        Assert.Equal(recorded.Campaign, (await planning.GetAsync(CampaignId, Ct)).GetValueOrThrow());

        var topped = (await budgets.ReallocateAsync(CampaignId, BudgetLineKind.Contingency, BudgetLineKind.Marketing, 6_000m, "keep going", null, Planner, Ct)).GetValueOrThrow();

        Assert.Empty(topped.Campaign.PausedMechanics);
        Assert.Equal(66_000m, topped.Budget.For(BudgetLineKind.Marketing).Allocated);
        Assert.Equal(2, store.Outbox.Count(e => e.Type == CampaignEventTypes.BudgetAlert));
    }

    [Fact]
    public async Task An_incident_that_pauses_the_campaign_is_recorded_once_even_when_retried()
    {
        await LiveAsync();
        var report = new IncidentReport
        {
            Id = "inc-1",
            Type = IncidentType.Technical,
            Severity = IncidentSeverity.Critical,
            Title = "Checkout errors",
            Actions = [new IncidentAction(IncidentActionKind.PauseCampaign), new IncidentAction(IncidentActionKind.NotifyOwners)],
        };

        var opened = (await incidentDesk.OpenAsync(CampaignId, report, Planner, Ct)).GetValueOrThrow();
        var retried = (await incidentDesk.OpenAsync(CampaignId, report, Planner, Ct)).GetValueOrThrow();

        Assert.Equal(CampaignState.Paused, opened.Campaign.State);
        Assert.Equal("incident inc-1: Checkout errors", opened.Campaign.CurrentPause!.Comment);
        Assert.Equal(["owner-olivia", "oncall-carl"], opened.Notify);
        Assert.Equal(opened.Incident, retried.Incident);
        Assert.Single(incidents.Outbox);
        Assert.Single(store.Outbox, e => e.Type == CampaignEventTypes.CampaignPaused);
    }

    [Fact]
    public async Task An_incident_can_pause_one_mechanic_and_be_resolved()
    {
        await LiveAsync();

        var opened = (await incidentDesk.OpenAsync(CampaignId, new IncidentReport
        {
            Type = IncidentType.StockAnomaly,
            Severity = IncidentSeverity.High,
            Title = "Flash stock mismatch",
            Actions = [new IncidentAction(IncidentActionKind.PauseMechanic, "flash")],
        }, Planner, Ct)).GetValueOrThrow();
        time.Advance(TimeSpan.FromMinutes(30));
        var resolved = (await incidentDesk.ResolveAsync(CampaignId, opened.Incident.Id, "recounted", Editor, Ct)).GetValueOrThrow();

        Assert.Equal(MechanicPauseSource.Incident, Assert.Single(opened.Campaign.PausedMechanics).Source);
        Assert.Equal(CampaignState.Live, opened.Campaign.State);
        Assert.Equal(IncidentStatus.Resolved, resolved.Status);
        Assert.Equal([CampaignEventTypes.IncidentOpened, CampaignEventTypes.IncidentResolved], incidents.Outbox.Select(e => e.Type));
        Assert.Equal(ProblemKind.NotFound, (await incidentDesk.ResolveAsync(CampaignId, "nope", "x", Editor, Ct)).Problem!.Kind);
    }

    [Fact]
    public async Task Storefront_activity_counts_each_visitor_once_and_a_redelivered_batch_adds_nothing()
    {
        await LiveAsync();
        StorefrontActivity Visit(string visitor) => new()
        {
            CampaignId = CampaignId,
            Kind = StorefrontActivityKind.Visit,
            OccurredAt = Start.AddMinutes(5),
            Channel = CampaignChannel.App,
            Variant = "A",
            VisitorId = visitor,
        };
        var order = new StorefrontActivity { CampaignId = CampaignId, Kind = StorefrontActivityKind.Order, OccurredAt = Start.AddMinutes(6), Channel = CampaignChannel.App, Variant = "A", OrderValue = 99.5m };
        time.SetUtcNow(Start.AddMinutes(10));

        (await storefront.RecordAsync("msg-1", [Visit("v1"), Visit("v1"), Visit("v2"), order], Ct)).GetValueOrThrow();
        (await storefront.RecordAsync("msg-1", [Visit("v1"), Visit("v1"), Visit("v2"), order], Ct)).GetValueOrThrow();
        (await storefront.RecordAsync("msg-2", [Visit("v2"), Visit("v3")], Ct)).GetValueOrThrow();

        var totals = HourlyMetrics.Total(await metrics.ReadAsync(CampaignId, Ct));
        Assert.Equal((3L, 1L, 99.5m), (totals.Visits, totals.Orders, totals.OrderValue));
        Assert.Equal(ProblemKind.Validation, (await storefront.RecordAsync("msg-3", [order with { OrderValue = -1m }], Ct)).Problem!.Kind);
    }

    [Fact]
    public async Task Monitoring_reports_figures_budget_and_open_incidents_with_the_next_step()
    {
        await LiveAsync();
        metrics.Seed(new MetricsBucket(new MetricsBucketKey(CampaignId, HourlyMetrics.HourOf(Start), CampaignChannel.App, "A"), new MetricsCounts { Orders = 4, OrderValue = 400m }));
        (await incidentDesk.OpenAsync(CampaignId, new IncidentReport { Type = IncidentType.LogisticsDelay, Severity = IncidentSeverity.Medium, Title = "Courier backlog" }, Planner, Ct)).GetValueOrThrow();
        time.SetUtcNow(Start.AddMinutes(30));

        var snapshot = (await evaluation.MonitorAsync(CampaignId, Ct)).GetValueOrThrow();

        Assert.Equal(400m, snapshot.Totals.OrderValue);
        Assert.Equal(1, snapshot.OpenIncidents);
        Assert.Equal(0m, snapshot.Budget.SpendingSpent);
        Assert.Equal(new CampaignStep(CampaignStepKind.Monitor, Start.AddHours(1).AddMinutes(30)), snapshot.Next);
    }

    [Fact]
    public async Task Evaluation_waits_for_late_orders_then_publishes_the_report()
    {
        await LiveAsync();
        metrics.Seed(new MetricsBucket(new MetricsBucketKey(CampaignId, HourlyMetrics.HourOf(Start), CampaignChannel.App, "A"),
            new MetricsCounts { Visits = 1_000, Orders = 50, OrderValue = 10_000m, ParticipatingMembers = 400 }));
        metrics.Baseline = new MetricsCounts { OrderValue = 4_000m };
        (await budgets.RecordSpendAsync(CampaignId, [SpendEntry.ForPaidPromotion(CampaignId, "ad-1", 2_000m, Start)], Ct)).GetValueOrThrow();
        time.SetUtcNow(End);
        (await operations.EndAsync(CampaignId, Ct)).GetValueOrThrow();

        Assert.Equal("late-order-window-open", (await evaluation.EvaluateAsync(CampaignId, Ct)).Problem!.Code);
        time.SetUtcNow(End.AddHours(24));
        var report = (await evaluation.EvaluateAsync(CampaignId, Ct)).GetValueOrThrow();

        Assert.Equal(CampaignState.Evaluated, report.State);
        Assert.Equal(new TimeWindow(At(9, 1), At(9, 8)), metrics.BaselineAskedFor);
        Assert.Equal((4m, 2m, 0.05m, 0.05m), (report.Totals.Roi, report.Baseline.IncrementalRoi, report.Totals.ConversionRate, report.Totals.Coverage));
        var evaluated = Assert.Single(store.Outbox, e => e.Type == CampaignEventTypes.CampaignEvaluated);
        Assert.Contains("\"roi\":4", evaluated.DataJson, StringComparison.Ordinal);
        Assert.StartsWith("section,scope,metric,value\r\n", (await evaluation.BuildCsvAsync(CampaignId, Ct)).GetValueOrThrow(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_readiness_update_is_saved_whole_or_not_at_all()
    {
        await CreateAsync();
        var items = new[] { ReadinessItem.StockConfirmed };

        var refused = await operations.UpdateReadinessAsync(CampaignId, new ReadinessUpdate(items, null, ["  "], null), null, Planner, Ct);

        Assert.Equal(ProblemKind.Validation, refused.Problem!.Kind);
        var unchanged = (await planning.GetAsync(CampaignId, Ct)).GetValueOrThrow();
        Assert.Equal((1L, 0), (unchanged.Version, unchanged.Readiness.Confirmations.Count));
        Assert.Single((await planning.AuditTrailAsync(CampaignId, Ct)).GetValueOrThrow());

        var saved = (await operations.UpdateReadinessAsync(CampaignId, new ReadinessUpdate(items, "counted", ["carl", "dina"], null), 1, Planner, Ct)).GetValueOrThrow();

        // Two steps, one save: both versions are consumed, both audited, both events in the outbox.
        Assert.Equal((3L, true), (saved.Version, saved.Readiness.IsConfirmed(ReadinessItem.StockConfirmed)));
        Assert.Equal(["carl", "dina"], saved.Plan.Owners.ContingencyOwners);
        Assert.Equal(
            [CampaignAction.Create, CampaignAction.ConfirmReadiness, CampaignAction.AssignContingencyOwners],
            (await planning.AuditTrailAsync(CampaignId, Ct)).GetValueOrThrow().Select(a => a.Action));
        Assert.Contains(store.Outbox, e => e.Type == CampaignEventTypes.ReadinessConfirmed);
        Assert.Contains(store.Outbox, e => e.Type == CampaignEventTypes.ContingencyOwnersAssigned);
    }
}
