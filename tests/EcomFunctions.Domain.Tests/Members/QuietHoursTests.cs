using EcomFunctions.Domain.Members;
using Microsoft.Extensions.Time.Testing;
using static EcomFunctions.Domain.Tests.Members.MemberTestData;

namespace EcomFunctions.Domain.Tests.Members;

public sealed class QuietHoursTests
{
    private readonly ReactivationOptions options = ReactivationOptions();

    private DateTimeOffset Send(DateTimeOffset due, string zone) => QuietHours.NextSendTime(due, ZonedTime.Resolve(zone), options);

    [Fact]
    public void Evening_message_in_shanghai_is_deferred_to_nine_next_morning()
    {
        // 22:00 in Shanghai → 09:00 next day = 01:00Z.
        Assert.Equal(Utc(2025, 6, 11, 1), Send(Utc(2025, 6, 10, 14), Shanghai));
    }

    [Fact]
    public void Early_morning_message_is_deferred_to_nine_the_same_day()
    {
        Assert.Equal(Utc(2025, 6, 10, 1), Send(Utc(2025, 6, 10, 0, 30), Shanghai)); // 08:30 local
    }

    [Theory]
    [InlineData(12, 59, false)] // 20:59 local
    [InlineData(13, 0, true)] // 21:00 local
    [InlineData(0, 59, true)] // 08:59 local
    [InlineData(1, 0, false)] // 09:00 local
    public void Quiet_hours_start_at_21_and_end_at_9_local(int utcHour, int minute, bool deferred)
    {
        var due = Utc(2025, 6, 10, utcHour, minute);

        Assert.Equal(deferred, Send(due, Shanghai) != due);
    }

    [Fact]
    public void Daytime_message_is_sent_as_due()
    {
        Assert.Equal(RunTime, Send(RunTime, Shanghai)); // 10:00 local
    }

    [Fact]
    public void Half_hour_offset_zones_are_handled()
    {
        // 21:30 in Kolkata (UTC+05:30) → 09:00 next day = 03:30Z.
        Assert.Equal(Utc(2025, 6, 11, 3, 30), Send(Utc(2025, 6, 10, 16), "Asia/Kolkata"));
    }

    [Fact]
    public void New_york_spring_forward_night_opens_at_nine_daylight_time()
    {
        // 2025-03-09: clocks jump 02:00 EST → 03:00 EDT. 01:30 EST (06:30Z) → 09:00 EDT = 13:00Z, not 14:00Z.
        Assert.Equal(Utc(2025, 3, 9, 13), Send(Utc(2025, 3, 9, 6, 30), NewYork));
        // 22:00 EST on Mar 8 (03:00Z Mar 9) → the same opening.
        Assert.Equal(Utc(2025, 3, 9, 13), Send(Utc(2025, 3, 9, 3), NewYork));
    }

    [Fact]
    public void New_york_fall_back_night_opens_at_nine_standard_time()
    {
        // 2025-11-02: clocks fall back 02:00 EDT → 01:00 EST. 23:00 EDT on Nov 1 (03:00Z) → 09:00 EST = 14:00Z.
        Assert.Equal(Utc(2025, 11, 2, 14), Send(Utc(2025, 11, 2, 3), NewYork));
        // 01:30 in the repeated hour, first (EDT, 05:30Z) and second (EST, 06:30Z) occurrence.
        Assert.Equal(Utc(2025, 11, 2, 14), Send(Utc(2025, 11, 2, 5, 30), NewYork));
        Assert.Equal(Utc(2025, 11, 2, 14), Send(Utc(2025, 11, 2, 6, 30), NewYork));
    }

    [Fact]
    public void Window_end_skipped_by_dst_moves_forward_with_the_clock()
    {
        options.QuietHoursEnd = new TimeOnly(2, 30);

        // 01:00 EST on 2025-03-09 (06:00Z); 02:30 does not exist that night → 03:30 EDT = 07:30Z.
        Assert.Equal(Utc(2025, 3, 9, 7, 30), Send(Utc(2025, 3, 9, 6), NewYork));
    }

    [Fact]
    public void Window_end_in_the_repeated_hour_takes_the_first_occurrence()
    {
        options.QuietHoursEnd = new TimeOnly(1, 30);

        // 23:00 EDT Nov 1 (03:00Z) → first 01:30 of Nov 2 (EDT) = 05:30Z.
        Assert.Equal(Utc(2025, 11, 2, 5, 30), Send(Utc(2025, 11, 2, 3), NewYork));
    }

    [Fact]
    public void One_run_instant_defers_differently_per_member_time_zone()
    {
        var clock = new FakeTimeProvider(RunTime); // 10:00 in Shanghai
        var now = clock.GetUtcNow();

        Assert.Equal(now, Send(now, Shanghai));
        Assert.Equal(Utc(2025, 6, 10, 13), Send(now, NewYork)); // 22:00 EDT → 09:00 EDT
        Assert.Equal(Utc(2025, 6, 10, 8), Send(now, "Europe/London")); // 03:00 BST → 09:00 BST
        Assert.Equal(now, Send(now, "Pacific/Auckland")); // 14:00 NZST

        clock.Advance(TimeSpan.FromHours(12)); // 22:00 in Shanghai
        Assert.Equal(Utc(2025, 6, 11, 1), Send(clock.GetUtcNow(), Shanghai));
    }

    [Fact]
    public void Windows_that_do_not_cross_midnight_work_too()
    {
        options.QuietHoursStart = new TimeOnly(12, 0);
        options.QuietHoursEnd = new TimeOnly(14, 0);

        Assert.Equal(Utc(2025, 6, 10, 6), Send(Utc(2025, 6, 10, 4, 30), Shanghai)); // 12:30 → 14:00 local
        Assert.Equal(Utc(2025, 6, 10, 14), Send(Utc(2025, 6, 10, 14), Shanghai)); // 22:00 is not quiet here
    }

    [Fact]
    public void Equal_start_and_end_mean_no_quiet_hours()
    {
        options.QuietHoursStart = new TimeOnly(0, 0);
        options.QuietHoursEnd = new TimeOnly(0, 0);

        Assert.Equal(Utc(2025, 6, 10, 16), Send(Utc(2025, 6, 10, 16), Shanghai));
    }
}
