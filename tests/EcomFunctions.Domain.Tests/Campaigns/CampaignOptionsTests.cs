using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Tests.Campaigns;

public sealed class CampaignOptionsTests
{
    [Fact]
    public void Defaults_are_the_values_design_md_marks_as_defaults()
    {
        var options = new CampaignOptions();

        Assert.Equal("Asia/Shanghai", options.DefaultTimeZone);
        Assert.Equal(TimeSpan.FromHours(72), options.ApprovalTimeout);
        Assert.Equal(TimeSpan.FromHours(1), options.MonitoringInterval);
        Assert.Equal(TimeSpan.FromHours(24), options.LateOrderWindow);
        Assert.Equal(3, options.MaxLiveMechanics);
        Assert.Equal(TimeSpan.FromHours(24), options.MaxFlashSaleDuration);
        Assert.Equal(TimeSpan.FromDays(35), options.MaxCampaignDuration);
        Assert.Equal(0.05m, options.ContingencyMinimumShare);
        Assert.Equal(0.80m, options.BudgetAlertThreshold);
        Assert.Equal(BudgetLineKind.Marketing, options.MechanicSpendLine);
        Assert.Same(CampaignOptions.DefaultPeakDates, options.EffectivePeakDates);
    }

    [Fact]
    public void A_peak_day_runs_from_local_midnight_to_the_next_local_midnight()
    {
        TimeZones.TryFind("Asia/Shanghai", out var shanghai);

        var window = new PeakDateWindow("Double 11", new DateOnly(2025, 11, 11), new DateOnly(2025, 11, 11)).ToWindow(shanghai);

        Assert.Equal(new DateTimeOffset(2025, 11, 10, 16, 0, 0, TimeSpan.Zero), window.Start);
        Assert.Equal(TimeSpan.FromDays(1), window.Duration);
    }

    [Fact]
    public void A_midnight_skipped_by_daylight_saving_starts_the_day_at_the_first_valid_instant()
    {
        // Cuba moves its clocks from 00:00 to 01:00 on the second Sunday of March.
        Assert.True(TimeZones.TryFind("America/Havana", out var havana));

        var window = new PeakDateWindow("Sale", new DateOnly(2025, 3, 9), new DateOnly(2025, 3, 9)).ToWindow(havana);

        Assert.Equal(new DateTimeOffset(2025, 3, 9, 5, 0, 0, TimeSpan.Zero), window.Start);
        Assert.Equal(new DateTimeOffset(2025, 3, 10, 4, 0, 0, TimeSpan.Zero), window.End);
    }

    [Theory]
    [InlineData("Asia/Shanghai", true)]
    [InlineData("Europe/Berlin", true)]
    [InlineData("Not/AZone", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Time_zones_are_found_by_iana_id(string? id, bool found) =>
        Assert.Equal(found, TimeZones.TryFind(id, out _));
}
