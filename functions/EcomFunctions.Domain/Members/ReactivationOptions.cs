using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Members;

/// <summary>
/// The daily win-back run (DESIGN §7), bound from the "Reactivation" configuration section. Collections are
/// get-only and pre-filled so configuration overrides entries instead of appending to defaults.
/// </summary>
public sealed class ReactivationOptions
{
    public const string SectionName = "Reactivation";

    /// <summary>Store-local time of day the daily run starts.</summary>
    public TimeOnly RunAt { get; set; } = new(10, 0);

    /// <summary>Share of otherwise-targeted members held out as the control group (0–1).</summary>
    public decimal HoldoutShare { get; set; } = 0.10m;

    /// <summary>Mixed into the holdout hash; changing it draws a new control group.</summary>
    public string HoldoutSalt { get; set; } = "winback-v1";

    public TimeSpan ShortCapWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Most win-back messages per member within <see cref="ShortCapWindow"/>, across channels.</summary>
    public int ShortCapMaxMessages { get; set; } = 1;

    public TimeSpan LongCapWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Most win-back messages per member within <see cref="LongCapWindow"/>, across channels.</summary>
    public int LongCapMaxMessages { get; set; } = 3;

    /// <summary>Member-local start of quiet hours; messages due inside are deferred, never dropped.</summary>
    public TimeOnly QuietHoursStart { get; set; } = new(21, 0);

    /// <summary>Member-local end of quiet hours: the moment deferred messages are sent.</summary>
    public TimeOnly QuietHoursEnd { get; set; } = new(9, 0);

    /// <summary>
    /// Cost per message in currency units. A channel without an entry is not used for win-back: App inbox has
    /// none by default because only members who open the app see it, which dormant members by definition do not.
    /// </summary>
    public Dictionary<ContactChannel, decimal> ChannelCosts { get; } = new()
    {
        [ContactChannel.Push] = 0.001m,
        [ContactChannel.Email] = 0.01m,
        [ContactChannel.Sms] = 0.05m,
    };

    public RfmOptions Rfm { get; } = new();

    /// <summary>Offer for Dormant members by tier and value band.</summary>
    public Dictionary<MemberTier, BandOffers> DormantOffers { get; } = DefaultOffers(
        "winback-dormant", "winback-dormant",
        regular: (10, 5, 3), silver: (15, 8, 5), gold: (20, 10, 6), platinum: (30, 15, 8), diamond: (50, 25, 10));

    /// <summary>Exclusive offer with a care message for Churned members by tier and value band.</summary>
    public Dictionary<MemberTier, BandOffers> ChurnedOffers { get; } = DefaultOffers(
        "winback-churned", "winback-churned-care",
        regular: (20, 10, 5), silver: (30, 15, 8), gold: (40, 20, 10), platinum: (60, 30, 15), diamond: (100, 50, 20));

    /// <summary>A purchase within this long after the message (or the run, for holdout members) is a conversion.</summary>
    public TimeSpan AttributionWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Win-back candidates per activity call (one page of one partition). The largest page a table query returns: every
    /// query costs a pass over the partition in storage, so fewer, fuller pages are cheaper.
    /// </summary>
    public int PageSize { get; set; } = 1_000;

    /// <summary>A delivery claim older than this is considered abandoned (host crash) and may be retried.</summary>
    public TimeSpan DeliveryClaimLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// After a message went out, how often and how far apart recording it as sent is tried before giving up (always
    /// within half the claim lease): a storage blip between the send and its record must not make it sendable again.
    /// </summary>
    public int SentCompletionAttempts { get; set; } = 60;

    public TimeSpan SentCompletionRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public const int MinPageSize = 100;

    public const int MaxPageSize = 1_000;

    public FieldErrors Validate()
    {
        var errors = new FieldErrors();
        errors.AddIf(HoldoutShare is < 0m or > 1m, nameof(HoldoutShare), "Must be within 0–1.");
        errors.AddIf(string.IsNullOrEmpty(HoldoutSalt), nameof(HoldoutSalt), "Required.");
        errors.AddIf(ShortCapWindow <= TimeSpan.Zero || LongCapWindow <= TimeSpan.Zero, nameof(ShortCapWindow), "Windows must be positive.");
        errors.AddIf(ShortCapMaxMessages < 0 || LongCapMaxMessages < 0, nameof(ShortCapMaxMessages), "Caps must be ≥ 0.");
        errors.AddIf(ChannelCosts.Values.Any(c => c < 0), nameof(ChannelCosts), "Costs must be ≥ 0.");
        errors.AddIf(AttributionWindow <= TimeSpan.Zero, nameof(AttributionWindow), "Must be positive.");
        errors.AddIf(PageSize is < MinPageSize or > MaxPageSize, nameof(PageSize), $"Must be {MinPageSize}–{MaxPageSize}.");
        errors.AddIf(DeliveryClaimLease <= TimeSpan.Zero, nameof(DeliveryClaimLease), "Must be positive.");
        errors.AddIf(SentCompletionAttempts < 1, nameof(SentCompletionAttempts), "Must be at least 1.");
        errors.AddIf(SentCompletionRetryDelay < TimeSpan.Zero, nameof(SentCompletionRetryDelay), "Must not be negative.");
        errors.Merge(Rfm.Validate(), nameof(Rfm));
        foreach (var (name, table) in new[] { (nameof(DormantOffers), DormantOffers), (nameof(ChurnedOffers), ChurnedOffers) })
        {
            foreach (var (tier, offers) in table)
            {
                foreach (var (band, offer) in offers.All())
                {
                    errors.AddIf(offer is not null && (string.IsNullOrWhiteSpace(offer.CouponDefinitionId) || offer.Amount < 0
                        || string.IsNullOrWhiteSpace(offer.MessageTemplateId)), $"{name}.{tier}.{band}", "Needs a coupon, an amount ≥ 0 and a template.");
                }
            }
        }

        return errors;
    }

    private static string Slug(MemberTier tier) => tier switch
    {
        MemberTier.Regular => "regular",
        MemberTier.Silver => "silver",
        MemberTier.Gold => "gold",
        MemberTier.Platinum => "platinum",
        _ => "diamond",
    };

    private static string Slug(ValueBand band) => band switch
    {
        ValueBand.High => "high",
        ValueBand.Medium => "medium",
        _ => "low",
    };

    private static Dictionary<MemberTier, BandOffers> DefaultOffers(
        string couponPrefix,
        string template,
        (decimal High, decimal Medium, decimal Low) regular,
        (decimal High, decimal Medium, decimal Low) silver,
        (decimal High, decimal Medium, decimal Low) gold,
        (decimal High, decimal Medium, decimal Low) platinum,
        (decimal High, decimal Medium, decimal Low) diamond)
    {
        BandOffers Row(MemberTier tier, (decimal High, decimal Medium, decimal Low) amounts)
        {
            WinBackOffer Offer(ValueBand band, decimal amount) => new()
            {
                CouponDefinitionId = $"{couponPrefix}-{Slug(tier)}-{Slug(band)}",
                Amount = amount,
                MessageTemplateId = template,
            };

            return new BandOffers
            {
                High = Offer(ValueBand.High, amounts.High),
                Medium = Offer(ValueBand.Medium, amounts.Medium),
                Low = Offer(ValueBand.Low, amounts.Low),
            };
        }

        return new Dictionary<MemberTier, BandOffers>
        {
            [MemberTier.Regular] = Row(MemberTier.Regular, regular),
            [MemberTier.Silver] = Row(MemberTier.Silver, silver),
            [MemberTier.Gold] = Row(MemberTier.Gold, gold),
            [MemberTier.Platinum] = Row(MemberTier.Platinum, platinum),
            [MemberTier.Diamond] = Row(MemberTier.Diamond, diamond),
        };
    }
}

/// <summary>A win-back offer: the coupon granted and the message template that announces it.</summary>
public sealed class WinBackOffer
{
    public string CouponDefinitionId { get; set; } = "";

    /// <summary>Face value in currency units (reported, and passed with the grant).</summary>
    public decimal Amount { get; set; }

    public string MessageTemplateId { get; set; } = "";
}

/// <summary>One row of the offer table: the offer per value band for one tier.</summary>
public sealed class BandOffers
{
    public WinBackOffer? High { get; set; }

    public WinBackOffer? Medium { get; set; }

    public WinBackOffer? Low { get; set; }

    public WinBackOffer? For(ValueBand band) => band switch
    {
        ValueBand.High => High,
        ValueBand.Medium => Medium,
        _ => Low,
    };

    public IEnumerable<(ValueBand Band, WinBackOffer? Offer)> All() =>
        [(ValueBand.High, High), (ValueBand.Medium, Medium), (ValueBand.Low, Low)];
}

/// <summary>
/// RFM cut points. Each of recency, frequency and monetary scores 1–5; the band comes from the total (3–15):
/// High when total ≥ <see cref="HighBandMinTotal"/>, Medium when ≥ <see cref="MediumBandMinTotal"/>, else Low.
/// </summary>
public sealed class RfmOptions
{
    /// <summary>Days since the last purchase at or below which recency scores 5 (then 4, 3, 2; above the last: 1).</summary>
    public int RecencyMaxDaysFor5 { get; set; } = 30;

    public int RecencyMaxDaysFor4 { get; set; } = 90;

    public int RecencyMaxDaysFor3 { get; set; } = 180;

    public int RecencyMaxDaysFor2 { get; set; } = 365;

    /// <summary>Orders in the 12-month window at or above which frequency scores 2 (then 3, 4, 5; none: 1).</summary>
    public int FrequencyMinOrdersFor2 { get; set; } = 1;

    public int FrequencyMinOrdersFor3 { get; set; } = 2;

    public int FrequencyMinOrdersFor4 { get; set; } = 4;

    public int FrequencyMinOrdersFor5 { get; set; } = 8;

    /// <summary>Spend in the 12-month window at or above which monetary scores 2 (then 3, 4, 5; below: 1).</summary>
    public decimal MonetaryMinSpendFor2 { get; set; } = 100m;

    public decimal MonetaryMinSpendFor3 { get; set; } = 500m;

    public decimal MonetaryMinSpendFor4 { get; set; } = 2_000m;

    public decimal MonetaryMinSpendFor5 { get; set; } = 5_000m;

    public int HighBandMinTotal { get; set; } = 12;

    public int MediumBandMinTotal { get; set; } = 8;

    public FieldErrors Validate()
    {
        var errors = new FieldErrors();
        errors.AddIf(!(RecencyMaxDaysFor5 >= 0 && RecencyMaxDaysFor5 < RecencyMaxDaysFor4 && RecencyMaxDaysFor4 < RecencyMaxDaysFor3
            && RecencyMaxDaysFor3 < RecencyMaxDaysFor2), "Recency", "Cut points must increase.");
        errors.AddIf(!(FrequencyMinOrdersFor2 >= 1 && FrequencyMinOrdersFor2 < FrequencyMinOrdersFor3
            && FrequencyMinOrdersFor3 < FrequencyMinOrdersFor4 && FrequencyMinOrdersFor4 < FrequencyMinOrdersFor5), "Frequency", "Cut points must increase from ≥ 1.");
        errors.AddIf(!(MonetaryMinSpendFor2 > 0 && MonetaryMinSpendFor2 < MonetaryMinSpendFor3
            && MonetaryMinSpendFor3 < MonetaryMinSpendFor4 && MonetaryMinSpendFor4 < MonetaryMinSpendFor5), "Monetary", "Cut points must increase from > 0.");
        errors.AddIf(!(MediumBandMinTotal is >= 3 and <= 15 && HighBandMinTotal > MediumBandMinTotal && HighBandMinTotal <= 15),
            "Bands", "Need 3 ≤ Medium < High ≤ 15.");
        return errors;
    }
}
