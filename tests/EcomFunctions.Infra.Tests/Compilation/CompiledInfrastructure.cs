using EcomFunctions.Testing;

namespace EcomFunctions.Infra.Tests.Compilation;

/// <summary>
/// Compiles and evaluates infra/ once for all intent tests, in a temporary folder (nothing is written to the
/// repository): `bicep build` (the ARM template), `bicep lint` of every file, and `bicep snapshot` twice, with the
/// parameters azd would pass for a user (<see cref="CiParameters.Default"/>) and with non-default ones
/// (<see cref="CiParameters.Alternative"/>) to prove parameters reach the resources.
/// </summary>
public sealed class CompiledInfrastructure : IAsyncLifetime
{
    public const string SubscriptionId = "00000000-0000-0000-0000-00000000c1a0";
    public const string TenantId = "00000000-0000-0000-0000-00000000c1a1";

    private readonly string workFolder = Path.Combine(Path.GetTempPath(), "ecom-infra-tests-" + Guid.NewGuid().ToString("N"));

    public string RepositoryRoot { get; } = Azurite.RepositoryRoot();

    public string InfraFolder => Path.Combine(RepositoryRoot, "infra");

    public string MainBicep => Path.Combine(InfraFolder, "main.bicep");

    /// <summary>`bicep build infra/main.bicep`.</summary>
    public ArmTemplate Template { get; private set; } = null!;

    /// <summary>The deployment evaluated with <see cref="CiParameters.Default"/>.</summary>
    public DeploymentSnapshot Snapshot { get; private set; } = null!;

    /// <summary>The deployment evaluated with <see cref="CiParameters.Alternative"/>.</summary>
    public DeploymentSnapshot AlternativeSnapshot { get; private set; } = null!;

    /// <summary>Every bicep command run, for the zero-warnings check.</summary>
    public IReadOnlyList<BicepRun> Runs { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(workFolder);
        var bicep = BicepCli.Locate();
        var mainJson = Path.Combine(workFolder, "main.json");

        var build = bicep.RunAsync(RepositoryRoot, "build", MainBicep, "--outfile", mainJson);
        // Building main.bicep reports its modules' diagnostics too; linting every file also covers an unused module.
        var lint = bicep.RunAsync(RepositoryRoot, "lint", "--pattern", "infra/**/*.bicep");
        var snapshot = SnapshotAsync(bicep, CiParameters.Default);
        var alternative = SnapshotAsync(bicep, CiParameters.Alternative);
        await Task.WhenAll(build, lint, snapshot, alternative);

        Runs = [build.Result, lint.Result, snapshot.Result.Run, alternative.Result.Run];
        build.Result.EnsureSucceeded();
        Template = ArmTemplate.Parse(await File.ReadAllTextAsync(mainJson));
        Snapshot = snapshot.Result.Snapshot;
        AlternativeSnapshot = alternative.Result.Snapshot;
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(workFolder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test run over.
        }

        return Task.CompletedTask;
    }

    private async Task<(BicepRun Run, DeploymentSnapshot Snapshot)> SnapshotAsync(BicepCli bicep, CiParameters parameters)
    {
        // A .bicepparam must reference its template by a relative path; it lives in the temp folder, not in infra/,
        // because azd would prefer an infra/main.bicepparam over main.parameters.json.
        var paramFile = Path.Combine(workFolder, parameters.Name + ".bicepparam");
        var usingPath = Path.GetRelativePath(workFolder, MainBicep).Replace('\\', '/');
        await File.WriteAllTextAsync(paramFile, parameters.ToBicepParam(usingPath));

        var run = (await bicep.RunAsync(
            workFolder,
            "snapshot", paramFile, "--mode", "overwrite",
            "--subscription-id", SubscriptionId, "--tenant-id", TenantId,
            "--location", parameters.Location, "--deployment-name", "azd-" + parameters.EnvironmentName)).EnsureSucceeded();

        var snapshotFile = Path.Combine(workFolder, parameters.Name + ".snapshot.json");
        return (run, DeploymentSnapshot.Parse(await File.ReadAllTextAsync(snapshotFile)));
    }
}

/// <summary>Parameters for one evaluation of main.bicep, as azd would pass them from main.parameters.json.</summary>
public sealed record CiParameters(
    string Name,
    string EnvironmentName,
    string Location,
    string PrincipalId,
    string PrincipalType,
    string ContactEncryptionKey,
    string ContactLookupKey,
    int? InstanceMemoryMB = null,
    int? MaximumInstanceCount = null,
    int? DurableAlwaysReadyInstances = null)
{
    /// <summary>A user running `azd up`, template defaults for everything else.</summary>
    public static readonly CiParameters Default = new(
        Name: "default",
        EnvironmentName: "ci",
        Location: "eastasia",
        PrincipalId: "11111111-2222-3333-4444-555555555555",
        PrincipalType: "User",
        ContactEncryptionKey: "ci-only-contact-encryption-key-0123456789abcdef",
        ContactLookupKey: "ci-only-contact-lookup-key-0123456789abcdef0123");

    /// <summary>No deploying principal (azd without a signed-in user), and non-default scale settings.</summary>
    public static readonly CiParameters Alternative = Default with
    {
        Name = "alternative",
        EnvironmentName = "ci-alt",
        PrincipalId = "",
        InstanceMemoryMB = 4096,
        MaximumInstanceCount = 7,
        DurableAlwaysReadyInstances = 1,
    };

    public string ToBicepParam(string usingPath)
    {
        var lines = new List<string>
        {
            $"using '{usingPath}'",
            $"param environmentName = '{EnvironmentName}'",
            $"param location = '{Location}'",
            $"param principalId = '{PrincipalId}'",
            $"param principalType = '{PrincipalType}'",
            $"param memberContactEncryptionKey = '{ContactEncryptionKey}'",
            $"param memberContactLookupKey = '{ContactLookupKey}'",
        };
        if (InstanceMemoryMB is { } memory)
        {
            lines.Add($"param instanceMemoryMB = {memory}");
        }

        if (MaximumInstanceCount is { } maximum)
        {
            lines.Add($"param maximumInstanceCount = {maximum}");
        }

        if (DurableAlwaysReadyInstances is { } alwaysReady)
        {
            lines.Add($"param durableAlwaysReadyInstances = {alwaysReady}");
        }

        return string.Join('\n', lines) + '\n';
    }
}

[CollectionDefinition(Name)]
public sealed class SharedInfrastructure : ICollectionFixture<CompiledInfrastructure>
{
    public const string Name = "Compiled infrastructure";
}
