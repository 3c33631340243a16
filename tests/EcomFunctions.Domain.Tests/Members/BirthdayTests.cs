using EcomFunctions.Domain.Members;
using static EcomFunctions.Domain.Tests.Members.MemberTestData;

namespace EcomFunctions.Domain.Tests.Members;

public sealed class BirthdayTests
{
    [Fact]
    public void February_29_birthday_is_celebrated_on_february_28_in_common_years()
    {
        var leapling = Birthday.Create(2, 29);

        Assert.True(leapling.FallsOn(new DateOnly(2025, 2, 28)));
        Assert.False(leapling.FallsOn(new DateOnly(2025, 3, 1)));
        Assert.True(leapling.FallsOn(new DateOnly(2024, 2, 29)));
        Assert.False(leapling.FallsOn(new DateOnly(2024, 2, 28)));
    }

    [Fact]
    public void Ordinary_birthday_falls_on_its_day_every_year()
    {
        var birthday = Birthday.Create(6, 10);

        Assert.True(birthday.FallsOn(new DateOnly(2025, 6, 10)));
        Assert.True(birthday.FallsOn(new DateOnly(2028, 6, 10)));
        Assert.False(birthday.FallsOn(new DateOnly(2025, 6, 11)));
    }

    [Theory]
    [InlineData(2, 30)]
    [InlineData(4, 31)]
    [InlineData(13, 1)]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    public void Impossible_days_are_not_birthdays(int month, int day)
    {
        Assert.False(Birthday.TryCreate(month, day, out _));
    }

    [Fact]
    public void Birthday_is_not_printed_by_ToString()
    {
        var birthday = Birthday.Create(6, 10);

        Assert.DoesNotContain("06", birthday.ToString(), StringComparison.Ordinal);
        Assert.Equal("06-10", birthday.Format());
    }

    [Fact]
    public void Gift_is_due_on_the_birthday_in_the_member_time_zone()
    {
        var newYorker = WithBirthday(NewMember("ny", zone: NewYork), 6, 10);
        var shanghai = WithBirthday(NewMember("sh", zone: Shanghai), 6, 10);

        // 2025-06-09 17:00Z: June 10 01:00 in Shanghai, June 9 13:00 in New York.
        Assert.Equal(2025, shanghai.TryTakeBirthdayGift(Utc(2025, 6, 9, 17)));
        Assert.Null(newYorker.TryTakeBirthdayGift(Utc(2025, 6, 9, 17)));
        // 2025-06-11 03:00Z: still June 10 (23:00) in New York.
        Assert.Equal(2025, newYorker.TryTakeBirthdayGift(Utc(2025, 6, 11, 3)));
    }

    [Fact]
    public void Gift_is_granted_once_per_year()
    {
        var member = WithBirthday(NewMember(zone: "UTC"), 6, 10);

        Assert.Equal(2025, member.TryTakeBirthdayGift(Utc(2025, 6, 10, 1)));
        Assert.Null(member.TryTakeBirthdayGift(Utc(2025, 6, 10, 23)));
        Assert.Equal(2026, member.TryTakeBirthdayGift(Utc(2026, 6, 10, 1)));
    }

    [Fact]
    public void Changing_the_birthday_does_not_buy_a_second_gift_in_the_same_year()
    {
        var member = WithBirthday(NewMember(zone: "UTC"), 6, 10);
        member.TryTakeBirthdayGift(Utc(2025, 6, 10));
        member.UpdateProfile(new MemberProfile("UTC", Birthday.Create(7, 1), null, ProtectedPersonalData.None), [], Utc(2025, 6, 20));

        Assert.Null(member.TryTakeBirthdayGift(Utc(2025, 7, 1)));
    }

    [Fact]
    public void Leapling_gets_the_gift_on_february_28_of_a_common_year()
    {
        var member = WithBirthday(NewMember(zone: "UTC"), 2, 29);

        Assert.Equal(2025, member.TryTakeBirthdayGift(Utc(2025, 2, 28, 12)));
        Assert.Null(member.TryTakeBirthdayGift(Utc(2025, 3, 1, 12)));
    }

    [Fact]
    public void Members_without_a_birthday_get_no_gift()
    {
        Assert.Null(NewMember().TryTakeBirthdayGift(Utc(2025, 6, 10)));
    }

    private static Member WithBirthday(Member member, int month, int day)
    {
        member.UpdateProfile(new MemberProfile(member.TimeZoneId, Birthday.Create(month, day), null, ProtectedPersonalData.None), [], Utc(2024, 1, 2));
        return member;
    }
}
