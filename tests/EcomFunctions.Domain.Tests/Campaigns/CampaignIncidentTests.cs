using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;
using static EcomFunctions.Domain.Tests.Campaigns.CampaignTestData;

namespace EcomFunctions.Domain.Tests.Campaigns;

public sealed class CampaignIncidentTests
{
    private static IncidentReport Report(params IncidentAction[] actions) => new()
    {
        Type = IncidentType.StockAnomaly,
        Severity = IncidentSeverity.Critical,
        Title = "Flash stock counter negative",
        Actions = actions,
    };

    [Fact]
    public void An_incident_opens_with_owner_actions_and_a_timeline()
    {
        var incident = CampaignIncident.Open(InState(CampaignState.Live), Report(new IncidentAction(IncidentActionKind.PauseMechanic, "flash")) with { Owner = "sre-sam" },
            "inc-1", Planner, Start.AddHours(1)).GetValueOrThrow();

        Assert.Equal(("inc-1", CampaignId, "sre-sam", IncidentStatus.Open, 1L), (incident.Id, incident.CampaignId, incident.Owner, incident.Status, incident.Version));
        Assert.Equal("opened (Critical StockAnomaly); owner sre-sam; PauseMechanic(flash)", Assert.Single(incident.Timeline).Entry);
        Assert.Empty(incident.NotifiedPeople);
    }

    [Fact]
    public void Without_an_owner_the_first_contingency_owner_takes_it() =>
        Assert.Equal("oncall-carl", CampaignIncident.Open(InState(CampaignState.Live), Report(), "inc-1", Planner, Start).GetValueOrThrow().Owner);

    [Fact]
    public void Notify_owners_names_owners_contingency_owners_and_the_incident_owner()
    {
        var incident = CampaignIncident.Open(InState(CampaignState.Live), Report(new IncidentAction(IncidentActionKind.NotifyOwners)) with { Owner = "sre-sam" },
            "inc-1", Planner, Start).GetValueOrThrow();

        Assert.Equal(["owner-olivia", "oncall-carl", "sre-sam"], incident.NotifiedPeople);
    }

    [Fact]
    public void Only_campaign_roles_handle_incidents()
    {
        var opened = CampaignIncident.Open(InState(CampaignState.Live), Report(), "inc-1", Planner, Start).GetValueOrThrow();

        Assert.Equal(ProblemKind.Forbidden, CampaignIncident.Open(InState(CampaignState.Live), Report(), "inc-2", Outsider, Start).Problem!.Kind);
        Assert.Equal(ProblemKind.Forbidden, opened.Resolve("x", Outsider, Start).Problem!.Kind);
        Assert.True(opened.AddNote("seen", CampaignActor.System, Start).IsSuccess);
    }

    [Fact]
    public void Pausing_an_unknown_mechanic_is_rejected()
    {
        var result = CampaignIncident.Open(InState(CampaignState.Live), Report(new IncidentAction(IncidentActionKind.PauseMechanic, "ghost")), "inc-1", Planner, Start);

        Assert.Equal(["actions[0].mechanicId"], result.Problem!.Errors!.Keys);
    }

    [Fact]
    public void A_campaign_that_is_not_live_cannot_be_paused_by_an_incident()
    {
        var result = CampaignIncident.Open(InState(CampaignState.Ended), Report(new IncidentAction(IncidentActionKind.PauseCampaign)), "inc-1", Planner, End);

        Assert.Equal(["actions[0].kind"], result.Problem!.Errors!.Keys);
    }

    [Fact]
    public void An_incident_needs_a_title_and_known_type_and_severity()
    {
        var result = CampaignIncident.Open(InState(CampaignState.Live), Report() with { Title = "", Type = (IncidentType)42, Severity = (IncidentSeverity)9 }, "inc-1", Planner, Start);

        Assert.Equal(["severity", "title", "type"], result.Problem!.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Resolving_closes_the_incident_once_and_extends_the_timeline()
    {
        var opened = CampaignIncident.Open(InState(CampaignState.Live), Report(), "inc-1", Planner, Start).GetValueOrThrow();
        var noted = opened.AddNote("recount started", Editor, Start.AddMinutes(10)).GetValueOrThrow();

        var resolved = noted.Resolve("counter reset from warehouse", Editor, Start.AddMinutes(40)).GetValueOrThrow();

        Assert.Equal(IncidentStatus.Resolved, resolved.Status);
        Assert.Equal(TimeSpan.FromMinutes(40), resolved.TimeToResolve);
        Assert.Equal(["opened (Critical StockAnomaly); owner oncall-carl; no action", "recount started", "resolved: counter reset from warehouse"],
            resolved.Timeline.Select(t => t.Entry));
        Assert.Equal(3, resolved.Version);
        Assert.Same(resolved, resolved.Resolve("again", Editor, Start.AddHours(1)).Value);
        Assert.Equal(ProblemKind.Validation, noted.Resolve("", Editor, Start).Problem!.Kind);
    }

    [Fact]
    public void Incident_events_have_their_own_subject_and_a_per_version_id()
    {
        var opened = CampaignIncident.Open(InState(CampaignState.Live), Report(), "inc-1", Planner, Start).GetValueOrThrow();
        var resolved = opened.Resolve("fixed", Planner, Start.AddHours(1)).GetValueOrThrow();

        var openedEvent = opened.ToEvent(CampaignEventTypes.IncidentOpened, Start);
        var resolvedEvent = resolved.ToEvent(CampaignEventTypes.IncidentResolved, Start.AddHours(1));

        Assert.Equal("campaigns/autumn-2025/incidents/inc-1", openedEvent.Subject);
        Assert.Equal(openedEvent.Id, opened.ToEvent(CampaignEventTypes.IncidentOpened, Start.AddMinutes(1)).Id);
        Assert.NotEqual(openedEvent.Id, resolvedEvent.Id);
        Assert.Contains("\"severity\":\"Critical\"", openedEvent.DataJson, StringComparison.Ordinal);
    }
}
