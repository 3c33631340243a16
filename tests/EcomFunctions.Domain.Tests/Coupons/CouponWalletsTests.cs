using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Tests.Coupons.Support;
using static EcomFunctions.Domain.Tests.Coupons.Support.CouponTestData;

namespace EcomFunctions.Domain.Tests.Coupons;

public class CouponWalletsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task The_wallet_lists_the_members_coupons_by_expiry()
    {
        var harness = new CouponHarness().Members(2);
        await harness.ActiveDefinitionAsync(Terms() with { Validity = new ValidDaysAfterIssue(30) }, "cd-month");
        await harness.ActiveDefinitionAsync(Terms() with { Validity = new ValidDaysAfterIssue(3) }, "cd-short");
        var month = await harness.ClaimAsync("m-0", "cd-month");
        var shortLived = await harness.ClaimAsync("m-0", "cd-short");
        await harness.ClaimAsync("m-1", "cd-short");

        var wallet = (await harness.Wallets.GetAsync("m-0", includeHistory: false, None)).GetValueOrThrow();

        Assert.Equal([shortLived.Id, month.Id], wallet.Select(e => e.CouponId));
        Assert.All(wallet, e => Assert.Equal(WalletCouponState.Available, e.State));
    }

    [Fact]
    public async Task An_invalid_member_id_is_rejected() =>
        Assert.Equal(ProblemKind.Validation, (await new CouponHarness().Wallets.GetAsync("m/1", true, None)).Problem?.Kind);
}
