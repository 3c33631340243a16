namespace EcomFunctions.Domain.Campaigns;

/// <summary>Budget lines of the handbooks' budget plan (营销 / 平台推广 / 人力 / 物资物流 / 杂项) plus contingency.</summary>
public enum BudgetLineKind
{
    Marketing,
    PlatformPromotion,
    Labour,
    MaterialsLogistics,
    Miscellaneous,
    Contingency,
}

public sealed record BudgetLine(BudgetLineKind Line, decimal Amount);

/// <summary>
/// The planned budget: a total and its split into lines, which must add up to the total exactly, with a contingency
/// line of at least <see cref="CampaignOptions.ContingencyMinimumShare"/> of the total. Contingency is not spent
/// directly: it is reallocated to a spending line when needed (see <see cref="BudgetReallocation"/>).
/// </summary>
public sealed record CampaignBudget
{
    public string Currency { get; init; } = "CNY";

    public decimal Total { get; init; }

    public IReadOnlyList<BudgetLine> Lines { get; init; } = [];

    public decimal PlannedFor(BudgetLineKind line) => Lines.Where(l => l.Line == line).Sum(l => l.Amount);

    public static bool IsSpendingLine(BudgetLineKind line) => line != BudgetLineKind.Contingency;
}

/// <summary>Money moved between lines while the campaign runs; audited, and never leaves a line below what it has spent.</summary>
public sealed record BudgetReallocation(
    BudgetLineKind From,
    BudgetLineKind To,
    decimal Amount,
    string Reason,
    string By,
    DateTimeOffset At);
