using System.Text.Json;
using EcomFunctions.Infra.Tests.Compilation;

namespace EcomFunctions.Infra.Tests;

/// <summary>The vault holding the personal-data keys: RBAC mode, recoverable, and the keys never leave secure parameters.</summary>
[Collection(SharedInfrastructure.Name)]
public sealed class KeyVaultIntentTests(CompiledInfrastructure infra)
{
    private PredictedResource Vault => infra.Snapshot.One(ResourceTypes.KeyVault);

    [Fact]
    public void Vault_uses_RBAC_and_no_access_policies()
    {
        Assert.True(Vault.Properties.Flag("enableRbacAuthorization") == true,
            $"Key Vault {Vault.Name}: enableRbacAuthorization must be true, was {Vault.Properties.Show("enableRbacAuthorization")}.");
        var policies = Vault.Properties.At("accessPolicies");
        Assert.True(policies is null || policies.Value.ValueKind == JsonValueKind.Array && policies.Value.GetArrayLength() == 0,
            $"Key Vault {Vault.Name} must grant access through role assignments only, had accessPolicies {policies?.GetRawText()}.");
        Assert.True(Vault.Properties.Text("tenantId") == CompiledInfrastructure.TenantId,
            $"Key Vault {Vault.Name}: tenantId must be the deployment tenant ({CompiledInfrastructure.TenantId}), was {Vault.Properties.Show("tenantId")}.");
    }

    [Fact]
    public void Deleted_secrets_can_be_recovered()
    {
        Assert.True(Vault.Properties.Flag("enableSoftDelete") == true,
            $"Key Vault {Vault.Name}: enableSoftDelete must be true (a lost contact key makes member data unreadable), was {Vault.Properties.Show("enableSoftDelete")}.");
    }

    [Fact]
    public void Contact_keys_are_secure_parameters_that_never_appear_in_the_evaluated_deployment()
    {
        var leaks = new[] { CiParameters.Default.ContactEncryptionKey, CiParameters.Default.ContactLookupKey }
            .Where(key => infra.Snapshot.Json.Contains(key, StringComparison.Ordinal))
            .Select(key => $"the value passed for a contact key ('{key}') appears in the snapshot");
        Problems.None(leaks, "Contact keys must stay in secure parameters (not logged in deployment history, not in outputs):");
    }
}
