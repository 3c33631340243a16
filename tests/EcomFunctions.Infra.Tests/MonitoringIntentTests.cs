using EcomFunctions.Infra.Tests.Compilation;

namespace EcomFunctions.Infra.Tests;

/// <summary>Application Insights on a Log Analytics workspace, connected to the function app.</summary>
[Collection(SharedInfrastructure.Name)]
public sealed class MonitoringIntentTests(CompiledInfrastructure infra)
{
    [Fact]
    public void Application_Insights_is_workspace_based()
    {
        var insights = infra.Snapshot.One(ResourceTypes.ApplicationInsights);
        var workspace = infra.Snapshot.One(ResourceTypes.LogAnalytics);
        Assert.True(insights.Properties.Text("WorkspaceResourceId") == workspace.Id,
            $"Application Insights {insights.Name} must send to workspace {workspace.Id}, WorkspaceResourceId was {insights.Properties.Show("WorkspaceResourceId")}.");
    }

    [Fact]
    public void Function_app_is_connected_to_Application_Insights()
    {
        var insights = infra.Snapshot.One(ResourceTypes.ApplicationInsights);
        var expected = ArmExpression.Reference(insights, "ConnectionString");
        var actual = infra.Snapshot.AppSettings.GetValueOrDefault("APPLICATIONINSIGHTS_CONNECTION_STRING");
        Assert.True(actual == expected, $"APPLICATIONINSIGHTS_CONNECTION_STRING must come from {insights.Name}.\n  expected: {expected}\n  actual:   {actual}");
    }
}
