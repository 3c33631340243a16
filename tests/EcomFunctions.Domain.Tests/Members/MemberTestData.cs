using System.Security.Cryptography;
using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Tests.Members;

/// <summary>Shared builders: instants, options, members and a contact protector with test keys.</summary>
internal static class MemberTestData
{
    public const string Shanghai = "Asia/Shanghai";
    public const string NewYork = "America/New_York";

    /// <summary>2025-06-10 10:00 in Shanghai (02:00 UTC): a daily run's start.</summary>
    public static readonly DateTimeOffset RunTime = new(2025, 6, 10, 2, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    /// <summary>An instant given as wall-clock time with its offset (e.g. +08:00 for Shanghai).</summary>
    public static DateTimeOffset At(int year, int month, int day, int hour, int minute, double offsetHours) =>
        new(year, month, day, hour, minute, 0, TimeSpan.FromHours(offsetHours));

    public static MemberOptions MemberOptions() => new();

    public static ReactivationOptions ReactivationOptions() => new();

    public static Member NewMember(string id = "m-1", DateTimeOffset? signedUpAt = null, string zone = Shanghai) =>
        Member.Register(id, signedUpAt ?? Utc(2024, 1, 1), zone);

    /// <summary>A member whose last activity (login) was <paramref name="idle"/> before <paramref name="now"/>, with push consent.</summary>
    public static Member IdleMember(string id, DateTimeOffset now, TimeSpan idle, string zone = Shanghai, MemberTier tier = MemberTier.Regular)
    {
        var member = NewMember(id, now - idle - TimeSpan.FromDays(1), zone);
        member.Record(MemberActivity.Login("login-" + id, now - idle), MemberOptions());
        member.ApplyConsent(new ConsentChange(ContactChannel.Push, true, now - idle - TimeSpan.FromDays(1)));
        return tier == MemberTier.Regular ? member : WithTier(member, tier);
    }

    /// <summary>Returns a copy of the member at the given tier (tiers only change through evaluation, so set it through the state).</summary>
    public static Member WithTier(Member member, MemberTier tier)
    {
        var state = member.ToState();
        state.Tier = tier;
        return Member.FromState(state);
    }

    public static ContactProtectionOptions ProtectionOptions(string activeKeyId = "k1", params string[] keyIds)
    {
        var options = new ContactProtectionOptions { ActiveKeyId = activeKeyId, LookupKey = Key(99) };
        foreach (var id in keyIds.Length == 0 ? [activeKeyId] : keyIds)
        {
            options.Keys[id] = KeyFor(id);
        }

        return options;
    }

    public static ContactProtector Protector() => new(ProtectionOptions());

    /// <summary>A deterministic 256-bit test key (derived from a seed so two keys differ).</summary>
    public static string Key(int seed) => Convert.ToBase64String(SHA256.HashData([(byte)seed, 42]));

    public static string KeyFor(string keyId) => Convert.ToBase64String(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("test-key:" + keyId)));
}
