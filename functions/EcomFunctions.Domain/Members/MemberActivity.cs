using System.Buffers;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Members;

public enum ActivityKind
{
    Login = 0,
    Purchase = 1,
    ReviewApproved = 2,
    Share = 3,
    Task = 4,
}

/// <summary>
/// Something a member did, reported by the storefront (HTTP or the member-activity queue). <see cref="ActivityId"/>
/// is the caller's idempotency key: the same id is applied at most once per member.
/// </summary>
public sealed record MemberActivity
{
    public const int MaxIdLength = 128;

    /// <summary>Largest amount a single purchase may report; anything above is a unit or input error.</summary>
    public const decimal MaxPurchaseAmount = 10_000_000m;

    public required string ActivityId { get; init; }

    public required ActivityKind Kind { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>Purchase: amount actually paid, in currency units.</summary>
    public decimal AmountPaid { get; init; }

    /// <summary>Review approved: whether it carries a photo (bonus growth).</summary>
    public bool WithPhoto { get; init; }

    /// <summary>Task: the configured task code.</summary>
    public string? TaskCode { get; init; }

    public static MemberActivity Login(string activityId, DateTimeOffset at) =>
        new() { ActivityId = activityId, Kind = ActivityKind.Login, OccurredAt = at };

    public static MemberActivity Purchase(string activityId, DateTimeOffset at, decimal amountPaid) =>
        new() { ActivityId = activityId, Kind = ActivityKind.Purchase, OccurredAt = at, AmountPaid = amountPaid };

    public static MemberActivity ReviewApproved(string activityId, DateTimeOffset at, bool withPhoto) =>
        new() { ActivityId = activityId, Kind = ActivityKind.ReviewApproved, OccurredAt = at, WithPhoto = withPhoto };

    public static MemberActivity Share(string activityId, DateTimeOffset at) =>
        new() { ActivityId = activityId, Kind = ActivityKind.Share, OccurredAt = at };

    public static MemberActivity Task(string activityId, DateTimeOffset at, string taskCode) =>
        new() { ActivityId = activityId, Kind = ActivityKind.Task, OccurredAt = at, TaskCode = taskCode };

    /// <summary>Field errors of an activity received at <paramref name="now"/>; empty when it can be applied.</summary>
    public FieldErrors Validate(DateTimeOffset now, MemberOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new FieldErrors();
        errors.AddIf(!MemberIds.IsValidKey(ActivityId, MaxIdLength), "activityId",
            $"Required: 1–{MaxIdLength} characters of letters, digits and - _ . :");
        errors.AddIf(!Enum.IsDefined(Kind), "kind", "Unknown activity kind.");
        errors.AddIf(OccurredAt > now + options.MaxActivityClockSkew, "occurredAt", "Lies in the future.");
        errors.AddIf(OccurredAt.Year < 2000, "occurredAt", "Too far in the past.");
        if (Kind == ActivityKind.Purchase)
        {
            errors.AddIf(AmountPaid <= 0 || AmountPaid > MaxPurchaseAmount, "amountPaid",
                $"A purchase needs an amount paid above 0 and at most {MaxPurchaseAmount}.");
            errors.AddIf(decimal.Round(AmountPaid, 2) != AmountPaid, "amountPaid", "At most 2 decimal places.");
        }

        if (Kind == ActivityKind.Task)
        {
            errors.AddIf(TaskCode is null || !options.TaskGrowth.ContainsKey(TaskCode), "taskCode", "Unknown task.");
        }

        return errors;
    }
}

/// <summary>What recording an activity changed. <see cref="IsNew"/> is false for a repeated activity id (nothing changed).</summary>
public sealed record ActivityEffect(bool IsNew, ActivityKind Kind, long GrowthAdded, long PointsAdded, bool ShareCapReached)
{
    public static ActivityEffect Duplicate(ActivityKind kind) => new(false, kind, 0, 0, false);
}

/// <summary>Member ids and other keys that end up in storage keys and event subjects.</summary>
public static class MemberIds
{
    public const int MaxLength = 64;

    // Table Storage keys forbid / \ # ? and control characters; a closed set keeps keys, subjects and logs clean.
    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:");

    public static bool IsValid(string? memberId) => IsValidKey(memberId, MaxLength);

    public static bool IsValidKey(string? key, int maxLength) =>
        !string.IsNullOrEmpty(key) && key.Length <= maxLength && !key.AsSpan().ContainsAnyExcept(Allowed);

    public static Problem? Validate(string? memberId) =>
        IsValid(memberId) ? null : Problem.Validation("memberId", $"Required: 1–{MaxLength} characters of letters, digits and - _ . :");
}
