namespace EcomFunctions.Domain.Members;

/// <summary>
/// The persisted shape of a <see cref="Member"/> (what a storage adapter maps to and from its entity). Contains
/// only ciphertext and lookup hashes of personal data, never plaintext. A class, not a record, so no generated
/// ToString prints it.
/// </summary>
public sealed class MemberState
{
    public string Id { get; set; } = "";

    public MemberTier Tier { get; set; }

    public DateTimeOffset? TierChangedAt { get; set; }

    public YearMonth? LastTierEvaluationMonth { get; set; }

    public long GrowthLifetime { get; set; }

    /// <summary>Growth value per member-local month ("yyyy-MM" via <see cref="YearMonth.ToString"/>).</summary>
    public Dictionary<YearMonth, long> GrowthByMonth { get; } = [];

    public Dictionary<YearMonth, PurchaseMonth> PurchasesByMonth { get; } = [];

    public Dictionary<DateOnly, int> ShareGrowthByDay { get; } = [];

    public List<PointsLot> PointsLots { get; } = [];

    public long PointsEarnedTotal { get; set; }

    public long PointsRedeemedTotal { get; set; }

    public long PointsExpiredTotal { get; set; }

    public List<PointsRedemption> RecentRedemptions { get; } = [];

    public Birthday? Birthday { get; set; }

    public int? LastBirthdayGiftYear { get; set; }

    public string TimeZoneId { get; set; } = "";

    public DateTimeOffset SignedUpAt { get; set; }

    public DateTimeOffset? LastLoginAt { get; set; }

    public DateTimeOffset? LastPurchaseAt { get; set; }

    public List<ChannelConsent> Consents { get; } = [];

    public ContactChannel? PreferredChannel { get; set; }

    public ProtectedPersonalData Personal { get; set; } = ProtectedPersonalData.None;

    public DateTimeOffset? ProfileUpdatedAt { get; set; }

    public bool IsErased { get; set; }

    public DateTimeOffset? ErasedAt { get; set; }

    public YearMonth? LifecycleSnapshotMonth { get; set; }

    public LifecycleState? LifecycleSnapshotState { get; set; }
}
