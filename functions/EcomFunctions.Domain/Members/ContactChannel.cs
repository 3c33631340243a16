namespace EcomFunctions.Domain.Members;

/// <summary>Channels a member can opt in to and receive messages through.</summary>
public enum ContactChannel
{
    Email = 0,
    Sms = 1,
    Push = 2,
    AppInbox = 3,
}

/// <summary>
/// A member's consent to one channel: when it was last given and, if it was revoked since, when. Consent
/// changes older than the current record are ignored because storefront syncs can arrive out of order.
/// </summary>
public sealed record ChannelConsent(ContactChannel Channel, DateTimeOffset? ConsentedAt, DateTimeOffset? RevokedAt)
{
    public bool IsActive => ConsentedAt is { } consented && (RevokedAt is not { } revoked || revoked < consented);

    /// <summary>The instant of the latest change to this consent.</summary>
    public DateTimeOffset ChangedAt =>
        (ConsentedAt, RevokedAt) switch
        {
            ({ } c, { } r) => c > r ? c : r,
            ({ } c, null) => c,
            (null, { } r) => r,
            _ => DateTimeOffset.MinValue,
        };
}

/// <summary>A consent change reported by the storefront: granted or revoked at a moment.</summary>
public sealed record ConsentChange(ContactChannel Channel, bool Granted, DateTimeOffset At);
