namespace EcomFunctions.Domain.Campaigns;

/// <summary>People accountable for a campaign; contingency owners are on call for incidents (readiness gate).</summary>
public sealed record CampaignOwners
{
    public IReadOnlyList<string> Owners { get; init; } = [];

    public IReadOnlyList<string> ContingencyOwners { get; init; } = [];

    public IEnumerable<string> Everyone => Owners.Concat(ContingencyOwners).Distinct(StringComparer.Ordinal);
}

/// <summary>
/// The editable part of a campaign (活动策划方案): what the planner writes and the approver signs off. Edited only while
/// the campaign is a Draft; checked by <see cref="CampaignPlanRules"/>.
/// </summary>
public sealed record CampaignPlan
{
    public string Name { get; init; } = "";

    public string Theme { get; init; } = "";

    public string? Description { get; init; }

    public CampaignGoal Goal { get; init; } = new(CampaignGoalType.SalesGrowth, null, null);

    public CampaignSchedule Schedule { get; init; } = new();

    public CampaignAudience Audience { get; init; } = CampaignAudience.Everyone;

    public IReadOnlyList<CampaignChannel> Channels { get; init; } = [];

    public IReadOnlyList<Mechanic> Mechanics { get; init; } = [];

    public CampaignBudget Budget { get; init; } = new();

    public IReadOnlyList<CampaignVariant> Variants { get; init; } = [];

    public CampaignOwners Owners { get; init; } = new();

    public Mechanic? FindMechanic(string mechanicId) =>
        Mechanics.FirstOrDefault(m => string.Equals(m.Id, mechanicId, StringComparison.Ordinal));
}
