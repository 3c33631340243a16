using EcomFunctions.App.Campaigns;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;
using EcomFunctions.LocalHost.Hosting;
using EcomFunctions.Storage.Campaigns;
using EcomFunctions.Testing;
using EcomFunctions.Testing.Campaigns;
using Microsoft.Extensions.DependencyInjection;

namespace EcomFunctions.EndToEnd.Tests.Campaigns;

/// <summary>
/// A LocalHost running the real App (in-memory durable engine, Azurite) with campaign durations in seconds: monitoring
/// every second, a 2 s late-order window, a 6 s approval timeout. Coupon definitions whose id starts with <c>def-</c>
/// exist (face value 20) — the Coupons capability's stand-in. A campaign stage named <see cref="DoomedStage"/> cannot
/// be opened (its save fails like an unavailable store), to exercise a failing stage sub-orchestration.
/// </summary>
public sealed class CampaignHostFixture : IAsyncLifetime
{
    public const string DoomedStage = "doomed";

    private readonly LocalHostFixture host = LocalHostFixture.With(null, services =>
    {
        services.Configure<CampaignOptions>(o =>
        {
            o.ApprovalTimeout = TimeSpan.FromSeconds(6);
            o.MonitoringInterval = TimeSpan.FromSeconds(1);
            o.LateOrderWindow = TimeSpan.FromSeconds(2);
            o.ReadinessRecheckInterval = TimeSpan.FromSeconds(1);
        });
        services.Configure<CampaignRuntimeOptions>(o =>
        {
            o.ActivityAttempts = 2;
            o.ActivityRetryInterval = TimeSpan.FromMilliseconds(300);
        });
        services.AddSingleton<ICouponDefinitionLookup, TestCouponDefinitions>();
        services.AddSingleton<ICampaignRepository>(sp => new StageFaultRepository(sp.GetRequiredService<TableCampaignRepository>()));
    });

    public LocalFunctionsHost Host => host.Host;

    public CampaignDriver Driver { get; private set; } = null!;

    public HttpClient MasterClient { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await host.InitializeAsync();
        Driver = new CampaignDriver(host.Client);
        MasterClient = host.CreateClient(LocalHostFixture.MasterKey);
    }

    public async Task DisposeAsync()
    {
        MasterClient?.Dispose();
        await host.DisposeAsync();
    }

    private sealed class TestCouponDefinitions : ICouponDefinitionLookup
    {
        public Task<CouponDefinitionSummary?> FindAsync(string couponDefinitionId, CancellationToken cancellationToken) =>
            Task.FromResult(couponDefinitionId.StartsWith("def-", StringComparison.Ordinal) ? new CouponDefinitionSummary(couponDefinitionId, null, 20m) : null);
    }

    /// <summary>Fails every attempt to open the doomed stage, the way a store outage would.</summary>
    private sealed class StageFaultRepository(ICampaignRepository inner) : ICampaignRepository
    {
        public Task<Campaign?> GetAsync(string campaignId, CancellationToken cancellationToken) => inner.GetAsync(campaignId, cancellationToken);

        public Task<Result<Campaign>> SaveAsync(CampaignChange change, CancellationToken cancellationToken) =>
            change.Audit.Any(a => a.Action == CampaignAction.EnterStage) && change.Campaign.CurrentStage == DoomedStage
                ? throw new InvalidOperationException("Storage unavailable while opening the doomed stage.")
                : inner.SaveAsync(change, cancellationToken);

        public Task<CampaignPage> ListAsync(CampaignQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);
    }
}
