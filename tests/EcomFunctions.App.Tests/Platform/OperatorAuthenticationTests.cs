using System.Text;
using EcomFunctions.App.Platform;
using EcomFunctions.Domain.Platform;
using Microsoft.Extensions.Options;

namespace EcomFunctions.App.Tests.Platform;

public sealed class OperatorAuthenticationTests
{
    private static OperatorAuthentication Auth(bool allowDevelopment) => new(Options.Create(new AuthOptions { AllowDevelopmentPrincipal = allowDevelopment }));

    [Fact]
    public void The_development_header_names_the_operator_and_roles()
    {
        var request = TestHttp.Request("GET", "/", headers: new Dictionary<string, string> { ["X-Dev-Principal"] = "alice; roles=CampaignManager,Moderator; name=Alice Wang" });
        var principal = Auth(true).Require(request, OperatorRoles.Moderator);
        Assert.True(principal.IsSuccess);
        Assert.Equal("alice", principal.Value!.Id);
        Assert.Equal("Alice Wang", principal.Value.Name);
        Assert.True(principal.Value.IsInRole(OperatorRoles.CampaignManager));
    }

    [Fact]
    public void The_development_header_is_ignored_unless_allowed()
    {
        var request = TestHttp.Request("GET", "/", headers: new Dictionary<string, string> { ["X-Dev-Principal"] = "alice; roles=Moderator" });
        Assert.Equal(ProblemKind.Unauthorized, Auth(false).Require(request, OperatorRoles.Moderator).Problem!.Kind);
    }

    [Fact]
    public void A_missing_role_is_forbidden()
    {
        var request = TestHttp.Request("GET", "/", headers: new Dictionary<string, string> { ["X-Dev-Principal"] = "bob; roles=Merchant" });
        Assert.Equal(ProblemKind.Forbidden, Auth(true).Require(request, OperatorRoles.CampaignApprover).Problem!.Kind);
    }

    [Fact]
    public void The_app_service_principal_is_read_from_its_claims()
    {
        var json = """{"auth_typ":"aad","name_typ":"name","role_typ":"roles","claims":[{"typ":"http://schemas.microsoft.com/identity/claims/objectidentifier","val":"oid-1"},{"typ":"name","val":"Carol"},{"typ":"roles","val":"CampaignApprover"}]}""";
        var request = TestHttp.Request("GET", "/", headers: new Dictionary<string, string> { ["X-MS-CLIENT-PRINCIPAL"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(json)) });
        var principal = Auth(false).Require(request, OperatorRoles.CampaignApprover);
        Assert.True(principal.IsSuccess);
        Assert.Equal("oid-1", principal.Value!.Id);
        Assert.Equal("Carol", principal.Value.Name);
    }

    [Fact]
    public void A_malformed_principal_header_is_unauthorized()
    {
        var request = TestHttp.Request("GET", "/", headers: new Dictionary<string, string> { ["X-MS-CLIENT-PRINCIPAL"] = "%%%" });
        Assert.Equal(ProblemKind.Unauthorized, Auth(false).Authenticate(request).Problem!.Kind);
    }
}
