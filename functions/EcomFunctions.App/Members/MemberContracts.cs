using System.ComponentModel.DataAnnotations;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;

namespace EcomFunctions.App.Members;

/// <summary>A channel consent as the storefront reports it.</summary>
public sealed record ConsentRequest(ContactChannel Channel, bool Granted, DateTimeOffset At);

/// <summary>
/// PUT /api/members/{id}: the storefront's profile sync. No tier, growth or points: those are ours. Holds plaintext
/// personal data, so its ToString is redacted (a record would otherwise print every field).
/// </summary>
public sealed record MemberProfileRequest(
    DateTimeOffset? SignedUpAt = null,
    [property: StringLength(64)] string? TimeZone = null,
    string? Birthday = null,
    ContactChannel? PreferredChannel = null,
    [property: StringLength(ContactProtector.MaxNameLength)] string? Name = null,
    [property: StringLength(ContactProtector.MaxEmailLength)] string? Email = null,
    [property: StringLength(32)] string? Phone = null,
    IReadOnlyList<ConsentRequest>? Consents = null) : ISelfValidating
{
    public const int MaxConsents = 16;

    public void Validate(FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.AddIf(Birthday is not null && !BirthdayJsonConverter.TryParse(Birthday, out _), "birthday", "A calendar day as MM-dd, e.g. 06-10.");
        errors.AddIf(Consents is { Count: > MaxConsents }, "consents", $"At most {MaxConsents} entries.");
        errors.AddIf(Consents?.Any(c => c is null) == true, "consents", "Entries must not be null.");
    }

    public MemberProfileUpdate ToUpdate() => new()
    {
        SignedUpAt = SignedUpAt,
        TimeZone = string.IsNullOrWhiteSpace(TimeZone) ? null : TimeZone,
        Birthday = Birthday is not null && BirthdayJsonConverter.TryParse(Birthday, out var birthday) ? birthday : null,
        PreferredChannel = PreferredChannel,
        Name = Name,
        Email = Email,
        Phone = Phone,
        Consents = (Consents ?? []).Select(c => new ConsentChange(c.Channel, c.Granted, c.At)).ToList(),
    };

    public override string ToString() => "MemberProfileRequest(redacted)";
}

/// <summary>POST /api/members/{id}/activity. <see cref="ActivityId"/> is the idempotency key.</summary>
public sealed record ActivityRequest(
    string ActivityId,
    ActivityKind Kind,
    DateTimeOffset OccurredAt,
    decimal AmountPaid = 0,
    bool WithPhoto = false,
    [property: StringLength(64)] string? TaskCode = null)
{
    public MemberActivity ToActivity() => new()
    {
        ActivityId = ActivityId,
        Kind = Kind,
        OccurredAt = OccurredAt,
        AmountPaid = AmountPaid,
        WithPhoto = WithPhoto,
        TaskCode = TaskCode,
    };
}

/// <summary>POST /api/members/{id}/points/redemptions. <see cref="RedemptionId"/> is the idempotency key.</summary>
public sealed record RedemptionRequest(string RedemptionId, long Points) : ISelfValidating
{
    public const long MaxPoints = 1_000_000_000;

    // Checked here rather than with [Range(int, int)]: that attribute converts the value to int and throws on a long above it.
    public void Validate(FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.AddIf(Points is < 1 or > MaxPoints, "points", $"From 1 to {MaxPoints}.");
    }
}

/// <summary>What an activity changed; <see cref="IsNew"/> false for a repeated activity id.</summary>
public sealed record ActivityResponse(string MemberId, string ActivityId, bool IsNew, ActivityKind Kind, long GrowthAdded, long PointsAdded, bool ShareCapReached);

/// <summary>A run as listed (newest first).</summary>
public sealed record ReactivationRunListItem(
    DateOnly RunDate, RunStatus Status, DateTimeOffset RunAt, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt,
    int Scanned, int Eligible, int Targeted, int Holdout, decimal? HoldoutShare, decimal TotalCost)
{
    public static ReactivationRunListItem Of(ReactivationRunSummary run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var t = run.Tally;
        return new(run.RunDate, run.Status, run.RunAt, run.StartedAt, run.CompletedAt, t.Scanned, t.Eligible, t.Targeted, t.Holdout,
            t.HoldoutShare is { } share ? decimal.Round(share, 4) : null, t.TotalCost);
    }
}

/// <summary>A message the local channel adapter recorded (masked address).</summary>
public sealed record LocalMessageView(
    string MessageId, string Channel, string MemberId, string Address, string TemplateId, string Subject, string Body,
    string CouponDefinitionId, double CouponAmount, string RunDate, DateTimeOffset? SendAt, DateTimeOffset? DeliveredAt, int Deliveries);
