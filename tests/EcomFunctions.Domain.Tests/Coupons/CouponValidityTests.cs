using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using static EcomFunctions.Domain.Tests.Coupons.Support.CouponTestData;

namespace EcomFunctions.Domain.Tests.Coupons;

public class CouponValidityTests
{
    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void Seven_days_after_issue_ends_at_local_midnight_after_the_seventh_day_counting_the_issue_day()
    {
        // Issued 10 March 15:00 in Shanghai → valid through 16 March 23:59:59, i.e. until 17 March 00:00 +08:00.
        var window = new ValidDaysAfterIssue(7).WindowFor(Utc(2025, 3, 10, 7), Zone(Shanghai));
        Assert.Equal(Utc(2025, 3, 10, 7), window.ValidFrom);
        Assert.Equal(Utc(2025, 3, 16, 16), window.ValidUntil);
        Assert.True(window.Contains(Utc(2025, 3, 16, 15, 59)));
        Assert.False(window.Contains(Utc(2025, 3, 16, 16)));
    }

    [Fact]
    public void The_issue_day_is_the_store_local_day_not_the_utc_day()
    {
        // 9 March 16:30 UTC is already 10 March 00:30 in Shanghai: one day means through 10 March local.
        var window = new ValidDaysAfterIssue(1).WindowFor(Utc(2025, 3, 9, 16, 30), Zone(Shanghai));
        Assert.Equal(Utc(2025, 3, 10, 16), window.ValidUntil);
    }

    [Fact]
    public void A_one_day_coupon_issued_just_before_local_midnight_lasts_minutes()
    {
        var window = new ValidDaysAfterIssue(1).WindowFor(Utc(2025, 3, 10, 15, 50), Zone(Shanghai));
        Assert.Equal(TimeSpan.FromMinutes(10), window.ValidUntil - window.ValidFrom);
    }

    [Fact]
    public void The_same_instant_ends_on_different_instants_in_different_store_zones()
    {
        var issued = Utc(2025, 3, 10, 20); // Shanghai 11 March 04:00; New York 10 March 16:00 EDT
        Assert.Equal(Utc(2025, 3, 11, 16), new ValidDaysAfterIssue(1).WindowFor(issued, Zone(Shanghai)).ValidUntil);
        Assert.Equal(Utc(2025, 3, 11, 4), new ValidDaysAfterIssue(1).WindowFor(issued, Zone("America/New_York")).ValidUntil);
    }

    [Fact]
    public void Days_are_calendar_days_across_a_daylight_saving_change()
    {
        // New York springs forward on 9 March 2025: 8 March 12:00 EST + 2 days → until 10 March 00:00 EDT (04:00 UTC),
        // a 23-hour second day rather than 48 hours after midnight.
        var window = new ValidDaysAfterIssue(2).WindowFor(Utc(2025, 3, 8, 17), Zone("America/New_York"));
        Assert.Equal(Utc(2025, 3, 10, 4), window.ValidUntil);
    }

    [Fact]
    public void A_day_whose_midnight_is_skipped_starts_at_the_jump()
    {
        // Chile moves from -04 to -03 at local midnight on 8 September 2024: 00:00 never happens, the day starts
        // at 04:00 UTC, which reads 01:00 -03:00 locally.
        var start = StoreCalendar.StartOfDay(new DateOnly(2024, 9, 8), Zone("America/Santiago"));
        Assert.Equal(Utc(2024, 9, 8, 4), start);
        Assert.Equal(new DateOnly(2024, 9, 8), StoreCalendar.LocalDay(start, Zone("America/Santiago")));
        Assert.Equal(new DateOnly(2024, 9, 7), StoreCalendar.LocalDay(start.AddTicks(-1), Zone("America/Santiago")));
    }

    [Fact]
    public void A_day_whose_midnight_happens_twice_starts_at_the_first_one()
    {
        // Cuba falls back from -04 to -05 at 01:00 on 3 November 2024, so 00:00–01:00 happens twice.
        var zone = Zone("America/Havana");
        Assert.True(zone.IsAmbiguousTime(new DateTime(2024, 11, 3, 0, 30, 0)));
        Assert.Equal(Utc(2024, 11, 3, 4), StoreCalendar.StartOfDay(new DateOnly(2024, 11, 3), zone));
    }

    [Fact]
    public void Local_days_make_a_fixed_window_of_whole_store_days()
    {
        // 618 in Shanghai: the whole of 18 June local time.
        var window = CouponValidity.LocalDays(new DateOnly(2025, 6, 18), new DateOnly(2025, 6, 18), Zone(Shanghai));
        Assert.Equal(Utc(2025, 6, 17, 16), window.ValidFrom);
        Assert.Equal(Utc(2025, 6, 18, 16), window.ValidUntil);
    }

    [Fact]
    public void A_fixed_window_is_the_same_for_every_issue_instant()
    {
        var fixedWindow = new FixedValidityWindow(Utc(2025, 6, 1, 0), Utc(2025, 6, 2, 0));
        Assert.Equal(fixedWindow.WindowFor(Utc(2025, 5, 1, 0), Zone(Shanghai)), fixedWindow.WindowFor(Utc(2025, 6, 1, 12), Zone("UTC")));
    }

    [Fact]
    public void Windows_are_half_open()
    {
        var window = new CouponWindow(Utc(2025, 1, 1, 0), Utc(2025, 1, 2, 0));
        Assert.True(window.Contains(window.ValidFrom));
        Assert.False(window.Contains(window.ValidUntil));
        Assert.False(window.Contains(window.ValidFrom.AddTicks(-1)));
    }

    [Fact]
    public void A_definition_counts_local_days_in_its_own_zone()
    {
        var newYork = Draft(Terms() with { TimeZoneId = "America/New_York" });
        var shanghai = Draft();
        var instant = Utc(2025, 3, 10, 20);
        Assert.Equal(new DateOnly(2025, 3, 10), newYork.LocalDay(instant));
        Assert.Equal(new DateOnly(2025, 3, 11), shanghai.LocalDay(instant));
    }

    [Fact]
    public void Unknown_zones_are_not_found()
    {
        Assert.False(TimeZones.TryFind("Mars/Olympus", out _));
        Assert.False(TimeZones.TryFind(null, out _));
        Assert.True(TimeZones.TryFind("Asia/Shanghai", out var zone));
        Assert.Equal(TimeSpan.FromHours(8), zone.BaseUtcOffset);
    }
}
