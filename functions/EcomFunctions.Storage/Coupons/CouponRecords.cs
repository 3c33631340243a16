using System.Globalization;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Storage.Coupons;

/// <summary>A coupon benefit as plain data (kind plus the fields of that kind).</summary>
public sealed record BenefitRecord(
    CouponKind Kind,
    decimal? Amount = null,
    decimal? PercentOff = null,
    decimal? MaxDiscount = null,
    IReadOnlyList<ReductionStep>? Steps = null,
    decimal? MaxShippingCovered = null)
{
    public static BenefitRecord From(CouponBenefit benefit) => benefit switch
    {
        FixedAmountBenefit f => new(CouponKind.FixedAmount, Amount: f.Amount),
        PercentBenefit p => new(CouponKind.Percent, PercentOff: p.PercentOff, MaxDiscount: p.MaxDiscount),
        FullReductionBenefit r => new(CouponKind.FullReduction, Steps: r.Steps),
        FreeShippingBenefit s => new(CouponKind.FreeShipping, MaxShippingCovered: s.MaxShippingCovered),
        _ => throw new ArgumentOutOfRangeException(nameof(benefit), benefit, "Unknown benefit."),
    };

    /// <summary>The benefit, or null when a field its kind needs is missing (input validation reports that).</summary>
    public CouponBenefit? ToBenefit() => Kind switch
    {
        CouponKind.FixedAmount when Amount is { } amount => new FixedAmountBenefit(amount),
        CouponKind.Percent when PercentOff is { } percent && MaxDiscount is { } cap => new PercentBenefit(percent, cap),
        CouponKind.FullReduction when Steps is { } steps => new FullReductionBenefit(steps),
        CouponKind.FreeShipping when MaxShippingCovered is { } shipping => new FreeShippingBenefit(shipping),
        _ => null,
    };
}

/// <summary>A validity as plain data: a fixed window, or a number of days after issue.</summary>
public sealed record ValidityRecord(DateTimeOffset? ValidFrom = null, DateTimeOffset? ValidUntil = null, int? Days = null)
{
    public static ValidityRecord From(CouponValidity validity) => validity switch
    {
        FixedValidityWindow w => new(w.ValidFrom, w.ValidUntil),
        ValidDaysAfterIssue d => new(Days: d.Days),
        _ => throw new ArgumentOutOfRangeException(nameof(validity), validity, "Unknown validity."),
    };

    public CouponValidity? ToValidity() => (ValidFrom, ValidUntil, Days) switch
    {
        ({ } from, { } until, null) => new FixedValidityWindow(from, until),
        (null, null, { } days) => new ValidDaysAfterIssue(days),
        _ => null,
    };
}

/// <summary>Coupon terms as stored (also the shape of the operator API's terms).</summary>
public sealed record TermsRecord(
    string Name,
    CouponKind Kind,
    IReadOnlyDictionary<MemberTier, BenefitRecord> TierBenefits,
    ValidityRecord Validity,
    int TotalQuantity,
    decimal MinimumSpend = 0m,
    int PerMemberLimit = 1,
    int? DailyIssueLimit = null,
    decimal? BudgetCap = null,
    string? StackingGroup = null,
    string? CampaignId = null,
    string? TimeZoneId = null,
    IReadOnlyList<string>? ScopeCategories = null,
    IReadOnlyList<string>? ScopeSkus = null)
{
    public static TermsRecord From(CouponTerms terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        return new(
            terms.Name,
            terms.Kind,
            terms.TierBenefits.ToDictionary(e => e.Key, e => BenefitRecord.From(e.Value)),
            ValidityRecord.From(terms.Validity),
            terms.TotalQuantity,
            terms.MinimumSpend,
            terms.PerMemberLimit,
            terms.DailyIssueLimit,
            terms.BudgetCap,
            terms.StackingGroup,
            terms.CampaignId,
            terms.TimeZoneId,
            terms.Scope.Categories,
            terms.Scope.Skus);
    }

    /// <summary>The terms, or the field errors of parts that cannot even be built (a benefit or validity missing its fields).</summary>
    public Result<CouponTerms> ToTerms()
    {
        var errors = new FieldErrors();
        var benefits = new Dictionary<MemberTier, CouponBenefit>();
        foreach (var (tier, record) in TierBenefits ?? new Dictionary<MemberTier, BenefitRecord>())
        {
            if (record?.ToBenefit() is { } benefit)
            {
                benefits[tier] = benefit;
            }
            else
            {
                errors.Add($"tierBenefits.{tier}", "Give the fields of its kind: amount (FixedAmount); percentOff and maxDiscount (Percent); steps (FullReduction); maxShippingCovered (FreeShipping).");
            }
        }

        var validity = Validity?.ToValidity();
        errors.AddIf(validity is null, "validity", "Give either validFrom and validUntil, or days.");
        if (errors.ToProblem() is { } invalid)
        {
            return invalid;
        }

        return new CouponTerms
        {
            Name = Name,
            Kind = Kind,
            TierBenefits = benefits,
            MinimumSpend = MinimumSpend,
            Validity = validity!,
            TotalQuantity = TotalQuantity,
            PerMemberLimit = PerMemberLimit,
            DailyIssueLimit = DailyIssueLimit,
            BudgetCap = BudgetCap,
            StackingGroup = StackingGroup,
            CampaignId = CampaignId,
            TimeZoneId = TimeZoneId,
            Scope = new CouponScope(ScopeCategories, ScopeSkus),
        };
    }
}

/// <summary>A definition as stored: terms plus lifecycle.</summary>
internal sealed record DefinitionRecord(
    TermsRecord Terms,
    CouponDefinitionState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ActivatedAt,
    DateTimeOffset? RetiredAt,
    DateTimeOffset? ClosedAt,
    string? ClosedReason)
{
    public static DefinitionRecord From(CouponDefinition d) =>
        new(TermsRecord.From(d.Terms), d.State, d.CreatedAt, d.UpdatedAt, d.ActivatedAt, d.RetiredAt, d.ClosedAt, d.ClosedReason);

    public CouponDefinition ToDefinition(string id) =>
        CouponDefinition.Restore(id, Terms.ToTerms().GetValueOrThrow(), State, CreatedAt, UpdatedAt, ActivatedAt, RetiredAt, ClosedAt, ClosedReason);
}

/// <summary>A coupon reservation as stored.</summary>
internal sealed record ReservationRecord(string OrderId, string MemberId, DateTimeOffset ReservedAt, DateTimeOffset ExpiresAt, decimal Discount);

/// <summary>The parts of a coupon that change after issue (state machine), stored for bearer coupons, whose other parts come from their batch.</summary>
internal sealed record CouponStateRecord(
    CouponState State,
    ReservationRecord? Reservation,
    string? RedeemedOrderId,
    string? RedeemedBy,
    DateTimeOffset? RedeemedAt,
    decimal? RedeemedDiscount,
    int Revision)
{
    public static CouponStateRecord From(Coupon c) => new(
        c.State,
        c.Reservation is { } r ? new ReservationRecord(r.OrderId, r.MemberId, r.ReservedAt, r.ExpiresAt, r.Discount) : null,
        c.RedeemedOrderId,
        c.RedeemedBy,
        c.RedeemedAt,
        c.RedeemedDiscount,
        c.Revision);

    public Coupon ApplyTo(Coupon issued) => issued with
    {
        State = State,
        Reservation = Reservation is { } r ? new CouponReservation(r.OrderId, r.MemberId, r.ReservedAt, r.ExpiresAt, r.Discount) : null,
        RedeemedOrderId = RedeemedOrderId,
        RedeemedBy = RedeemedBy,
        RedeemedAt = RedeemedAt,
        RedeemedDiscount = RedeemedDiscount,
        Revision = Revision,
    };
}

/// <summary>A member's coupon as stored: what was issued plus its state.</summary>
internal sealed record CouponRecord(
    string Id,
    string Code,
    string DefinitionId,
    string? MemberId,
    BenefitRecord Benefit,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    DateTimeOffset IssuedAt,
    IssueSource Source,
    GrantReason? GrantReason,
    string? BatchId,
    string? CampaignId,
    string? IssueKey,
    CouponStateRecord Status)
{
    public static CouponRecord From(Coupon c) => new(
        c.Id, c.Code, c.DefinitionId, c.MemberId, BenefitRecord.From(c.Benefit), c.ValidFrom, c.ValidUntil, c.IssuedAt,
        c.Source, c.GrantReason, c.BatchId, c.CampaignId, c.IssueKey, CouponStateRecord.From(c));

    public Coupon ToCoupon() => Status.ApplyTo(new Coupon
    {
        Id = Id,
        Code = Code,
        DefinitionId = DefinitionId,
        MemberId = MemberId,
        Benefit = Benefit.ToBenefit() ?? throw new InvalidOperationException($"Stored coupon {Id} has an incomplete benefit."),
        ValidFrom = ValidFrom,
        ValidUntil = ValidUntil,
        IssuedAt = IssuedAt,
        Source = Source,
        GrantReason = GrantReason,
        BatchId = BatchId,
        CampaignId = CampaignId,
        IssueKey = IssueKey,
    });
}

/// <summary>A bulk batch as stored (generated chunks are separate rows).</summary>
internal sealed record BatchRecord(
    string DefinitionId,
    string? CampaignId,
    string Prefix,
    int Count,
    int CodesPerChunk,
    DateTimeOffset RequestedAt,
    BenefitRecord Benefit,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    string CodeSecret,
    int CodeLength,
    CouponBatchState State,
    DateTimeOffset? CompletedAt,
    ClaimRefusal? Refusal)
{
    public static BatchRecord From(CouponBatch b) => new(
        b.DefinitionId, b.CampaignId, b.Prefix, b.Count, b.CodesPerChunk, b.RequestedAt, BenefitRecord.From(b.Benefit), b.ValidFrom, b.ValidUntil,
        b.CodeSecret, b.CodeLength, b.State, b.CompletedAt, b.Refusal);

    public CouponBatch ToBatch(string id) => new()
    {
        Id = id,
        DefinitionId = DefinitionId,
        CampaignId = CampaignId,
        Prefix = Prefix,
        Count = Count,
        CodesPerChunk = CodesPerChunk,
        RequestedAt = RequestedAt,
        Benefit = Benefit.ToBenefit() ?? throw new InvalidOperationException($"Stored batch {id} has an incomplete benefit."),
        ValidFrom = ValidFrom,
        ValidUntil = ValidUntil,
        CodeSecret = CodeSecret,
        CodeLength = CodeLength,
        State = State,
        CompletedAt = CompletedAt,
        Refusal = Refusal,
    };
}

/// <summary>Encodings shared by the coupon tables.</summary>
internal static class CouponColumns
{
    /// <summary>Decimals as invariant strings: Table Storage has no decimal type and a double would round money.</summary>
    public static string? Money(decimal? value) => value?.ToString(CultureInfo.InvariantCulture);

    public static decimal? Money(string? value) =>
        value is null ? null : decimal.Parse(value, NumberStyles.Number, CultureInfo.InvariantCulture);

    public static string? Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly? Day(string? value) =>
        value is null ? null : DateOnly.ParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Json<T>(T value) => EcomJson.Serialize(value);

    public static T FromJson<T>(string? json) where T : class =>
        EcomJson.Deserialize<T>(json ?? "null") ?? throw new InvalidOperationException($"Stored {typeof(T).Name} is empty.");
}
