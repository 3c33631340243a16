using EcomFunctions.Infra.Tests.Compilation;

namespace EcomFunctions.Infra.Tests;

/// <summary>
/// Least privilege: the app's managed identity holds exactly the data-plane roles the App and the Functions host need,
/// each on the one resource it is about; the deploying user gets what local debugging against those resources needs.
/// </summary>
[Collection(SharedInfrastructure.Name)]
public sealed class RoleAssignmentIntentTests(CompiledInfrastructure infra)
{
    // Built-in role definition ids: the same in every tenant.
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string EventGridDataSender = "d5a91429-5739-47e2-a06b-3470a27159e7";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    private static readonly Dictionary<string, string> RoleNames = new(StringComparer.OrdinalIgnoreCase)
    {
        [StorageBlobDataOwner] = "Storage Blob Data Owner",
        [StorageQueueDataContributor] = "Storage Queue Data Contributor",
        [StorageTableDataContributor] = "Storage Table Data Contributor",
        [EventGridDataSender] = "EventGrid Data Sender",
        [MonitoringMetricsPublisher] = "Monitoring Metrics Publisher",
        [KeyVaultSecretsUser] = "Key Vault Secrets User",
    };

    [Fact]
    public void App_identity_holds_exactly_the_roles_it_needs_on_the_resources_it_uses()
    {
        var snapshot = infra.Snapshot;
        var identityPrincipal = ArmExpression.Reference(snapshot.One(ResourceTypes.Identity), "principalId");
        var storage = snapshot.One(ResourceTypes.StorageAccount).Id;
        var expected = new[]
        {
            Grant(StorageBlobDataOwner, storage),
            Grant(StorageQueueDataContributor, storage),
            Grant(StorageTableDataContributor, storage),
            Grant(EventGridDataSender, snapshot.One(ResourceTypes.EventGridTopic).Id),
            Grant(MonitoringMetricsPublisher, snapshot.One(ResourceTypes.ApplicationInsights).Id),
            Grant(KeyVaultSecretsUser, snapshot.One(ResourceTypes.KeyVault).Id),
        };

        var actual = AssignmentsTo(snapshot, PrincipalMatches(identityPrincipal)).ToList();
        AssertSameGrants(expected, actual, $"the app's managed identity ({identityPrincipal})");
    }

    [Fact]
    public void App_identity_role_assignments_name_it_as_a_service_principal()
    {
        var identityPrincipal = ArmExpression.Reference(infra.Snapshot.One(ResourceTypes.Identity), "principalId");
        var assignments = infra.Snapshot.OfType(ResourceTypes.RoleAssignment)
            .Where(r => PrincipalMatches(identityPrincipal)(r.Properties.Text("principalId"))).ToList();
        Assert.NotEmpty(assignments);
        Problems.None(
            assignments.Where(r => r.Properties.Text("principalType") != "ServicePrincipal")
                .Select(r => $"{Describe(r)}: principalType {r.Properties.Show("principalType")}"),
            "Role assignments to the managed identity must say principalType 'ServicePrincipal' (it avoids the replication-delay failure of a just-created identity):");
    }

    [Fact]
    public void Deploying_user_gets_the_data_roles_local_debugging_needs()
    {
        var snapshot = infra.Snapshot;
        var developer = CiParameters.Default.PrincipalId;
        var storage = snapshot.One(ResourceTypes.StorageAccount).Id;
        var expected = new[]
        {
            Grant(StorageBlobDataOwner, storage),
            Grant(StorageQueueDataContributor, storage),
            Grant(StorageTableDataContributor, storage),
            Grant(EventGridDataSender, snapshot.One(ResourceTypes.EventGridTopic).Id),
            Grant(KeyVaultSecretsUser, snapshot.One(ResourceTypes.KeyVault).Id),
        };

        var actual = AssignmentsTo(snapshot, p => p == developer).ToList();
        AssertSameGrants(expected, actual, $"the deploying user (principalId parameter {developer})");
        Problems.None(
            snapshot.OfType(ResourceTypes.RoleAssignment)
                .Where(r => r.Properties.Text("principalId") == developer && r.Properties.Text("principalType") != CiParameters.Default.PrincipalType)
                .Select(r => $"{Describe(r)}: principalType {r.Properties.Show("principalType")}"),
            $"Role assignments to the deploying user must use the principalType parameter ('{CiParameters.Default.PrincipalType}'):");
    }

    [Fact]
    public void Without_a_deploying_principal_only_the_app_identity_is_granted_anything()
    {
        var snapshot = infra.AlternativeSnapshot;
        var identityPrincipal = ArmExpression.Reference(snapshot.One(ResourceTypes.Identity), "principalId");
        Problems.None(
            snapshot.OfType(ResourceTypes.RoleAssignment)
                .Where(r => r.Properties.Text("principalId") != identityPrincipal)
                .Select(Describe),
            "With an empty principalId the deployment must grant nothing to anyone but the app's identity:");
    }

    [Fact]
    public void Every_role_assignment_is_scoped_to_a_resource_of_this_deployment()
    {
        var resources = infra.Snapshot.Resources
            .Where(r => r.Type != ResourceTypes.ResourceGroup && r.Type != ResourceTypes.RoleAssignment)
            .Select(r => r.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Problems.None(
            infra.Snapshot.OfType(ResourceTypes.RoleAssignment)
                .Where(r => r.Scope is null || !resources.Contains(r.Scope))
                .Select(Describe),
            "Role assignments must be scoped to a single resource (never the resource group or subscription):");
    }

    private static (string Role, string Scope) Grant(string roleId, string scope) => (roleId.ToLowerInvariant(), scope.ToLowerInvariant());

    private static Func<string?, bool> PrincipalMatches(string principal) => p => p == principal;

    private static IEnumerable<(string Role, string Scope)> AssignmentsTo(DeploymentSnapshot snapshot, Func<string?, bool> principal) =>
        snapshot.OfType(ResourceTypes.RoleAssignment)
            .Where(r => principal(r.Properties.Text("principalId")))
            .Select(r => Grant(RoleId(r), r.Scope ?? "(deployment scope)"));

    private static string RoleId(PredictedResource assignment)
    {
        var definition = assignment.Properties.Text("roleDefinitionId") ?? "";
        return definition[(definition.LastIndexOf('/') + 1)..];
    }

    private static string Describe(PredictedResource assignment)
    {
        var role = RoleId(assignment);
        return $"{RoleNames.GetValueOrDefault(role, role)} for {assignment.Properties.Text("principalId")} on {assignment.Scope ?? "(the deployment's resource group or subscription)"}";
    }

    private static void AssertSameGrants(IReadOnlyCollection<(string Role, string Scope)> expected, IReadOnlyCollection<(string Role, string Scope)> actual, string who)
    {
        string Show((string Role, string Scope) g) => $"{RoleNames.GetValueOrDefault(g.Role, g.Role)} ({g.Role}) on {g.Scope}";
        var missing = expected.Except(actual).Select(g => "missing: " + Show(g));
        var extra = actual.Except(expected).Select(g => "not expected (least privilege): " + Show(g));
        var duplicated = actual.GroupBy(g => g).Where(g => g.Count() > 1).Select(g => $"assigned {g.Count()} times: {Show(g.Key)}");
        Problems.None(missing.Concat(extra).Concat(duplicated), $"Role assignments for {who}:");
    }
}
