namespace EcomFunctions.Domain.Platform;

/// <summary>Operator roles (DESIGN §10). Storefront endpoints use function keys instead.</summary>
public static class OperatorRoles
{
    public const string CampaignManager = "CampaignManager";
    public const string CampaignApprover = "CampaignApprover";
    public const string Moderator = "Moderator";
    public const string Merchant = "Merchant";

    public static IReadOnlyList<string> All { get; } = [CampaignManager, CampaignApprover, Moderator, Merchant];
}

/// <summary>An authenticated operator: a stable id, a display name and the roles granted to them.</summary>
public sealed record OperatorPrincipal(string Id, string Name, IReadOnlySet<string> Roles)
{
    public bool IsInRole(string role) => Roles.Contains(role);
}
