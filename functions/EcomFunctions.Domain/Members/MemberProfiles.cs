using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Members;

/// <summary>
/// A storefront profile sync (PUT /members/{id}). Profile fields are replaced as given (null clears; a null time
/// zone means the store's); consents change channel by channel and only forward in time. There is deliberately
/// no tier, growth value or points here: those are ours. A class with a redacted ToString (it holds plaintext).
/// </summary>
public sealed class MemberProfileUpdate
{
    /// <summary>Required when the member is created; ignored afterwards (the first sync's sign-up date stands).</summary>
    public DateTimeOffset? SignedUpAt { get; init; }

    public string? TimeZone { get; init; }

    public Birthday? Birthday { get; init; }

    public ContactChannel? PreferredChannel { get; init; }

    public string? Name { get; init; }

    public string? Email { get; init; }

    public string? Phone { get; init; }

    public IReadOnlyList<ConsentChange> Consents { get; init; } = [];

    public PersonalDetails Personal => new() { Name = Name, Email = Email, Phone = Phone };

    public override string ToString() => "MemberProfileUpdate(redacted)";

    public FieldErrors Validate(DateTimeOffset now, MemberOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new FieldErrors();
        errors.AddIf(SignedUpAt > now + options.MaxActivityClockSkew, "signedUpAt", "Lies in the future.");
        errors.AddIf(TimeZone is not null && ZonedTime.TryResolve(TimeZone) is null, "timeZone", "Unknown IANA time zone.");
        errors.AddIf(PreferredChannel is { } preferred && !Enum.IsDefined(preferred), "preferredChannel", "Unknown channel.");
        for (var i = 0; i < Consents.Count; i++)
        {
            var consent = Consents[i];
            errors.AddIf(consent is null || !Enum.IsDefined(consent.Channel), $"consents[{i}].channel", "Unknown channel.");
            errors.AddIf(consent is not null && consent.At > now + options.MaxActivityClockSkew, $"consents[{i}].at", "Lies in the future.");
        }

        return errors;
    }
}

/// <summary>What the member endpoint shows. No plaintext contact details: only whether they are on file.</summary>
public sealed record MemberView(
    string Id,
    MemberTier Tier,
    long GrowthLifetime,
    long GrowthRollingTwelveMonths,
    long PointsAvailable,
    LifecycleState Lifecycle,
    TierProgress Progress,
    DateTimeOffset SignedUpAt,
    DateTimeOffset? LastLoginAt,
    DateTimeOffset? LastPurchaseAt,
    string TimeZone,
    Birthday? Birthday,
    ContactChannel? PreferredChannel,
    IReadOnlyList<ChannelConsent> Consents,
    bool HasEmail,
    bool HasPhone,
    bool IsErased)
{
    public static MemberView Of(Member member, DateTimeOffset now, MemberOptions options)
    {
        ArgumentNullException.ThrowIfNull(member);
        var rolling = member.RollingGrowth(now);
        return new MemberView(
            member.Id, member.Tier, member.Growth.Lifetime, rolling, member.AvailablePoints(now, options),
            member.Lifecycle(now, options), TierPolicy.Progress(member.Tier, rolling, options),
            member.SignedUpAt, member.LastLoginAt, member.LastPurchaseAt, member.TimeZoneId, member.Birthday,
            member.PreferredChannel, member.Consents.OrderBy(c => c.Channel).ToList(),
            member.Personal.HasEmail, member.Personal.HasPhone, member.IsErased);
    }
}

/// <summary>Result of an upsert: whether it created the member, the view, and the storage version (the HTTP ETag).</summary>
public sealed record MemberUpsertOutcome(bool Created, MemberView Member, string Version);

/// <summary>A member view with the storage version it was read at (the HTTP ETag).</summary>
public sealed record VersionedMemberView(MemberView Member, string Version);

/// <summary>
/// Member profile use cases: upsert from the storefront, read, erase, lookup by contact. Personal data is
/// encrypted before it reaches the aggregate and decrypted only for <see cref="GetPersonalDetailsAsync"/>.
/// The member's tier is published (<see cref="IMemberTierPublisher"/>) after every successful upsert — so a retried
/// upsert also repairs a publication lost to a crash — and withdrawn on erasure.
/// </summary>
public sealed class MemberProfiles
{
    private readonly IMemberRepository repository;
    private readonly ContactProtector protector;
    private readonly MemberOptions options;
    private readonly TimeProvider time;
    private readonly IMemberTierPublisher? tiers;

    public MemberProfiles(IMemberRepository repository, ContactProtector protector, MemberOptions options, TimeProvider time, IMemberTierPublisher? tiers = null)
    {
        this.repository = repository ?? throw new ArgumentNullException(nameof(repository));
        this.protector = protector ?? throw new ArgumentNullException(nameof(protector));
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        this.tiers = tiers;
    }

    /// <summary>Creates or updates the profile whatever its version.</summary>
    public Task<Result<MemberUpsertOutcome>> UpsertAsync(string memberId, MemberProfileUpdate update, CancellationToken cancellationToken) =>
        UpsertAsync(memberId, update, null, cancellationToken);

    /// <summary>
    /// Creates or updates the profile. 400 on invalid input, 410 when the member was erased, 412 when
    /// <paramref name="expectedVersion"/> is given and the member is missing or at another version (HTTP If-Match).
    /// </summary>
    public async Task<Result<MemberUpsertOutcome>> UpsertAsync(string memberId, MemberProfileUpdate update, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (MemberIds.Validate(memberId) is { } invalidId)
        {
            return invalidId;
        }

        var now = time.GetUtcNow();
        var errors = update.Validate(now, options);
        var personal = protector.Protect(memberId, update.Personal);
        if (personal.Problem?.Errors is { } personalErrors)
        {
            foreach (var (field, messages) in personalErrors)
            {
                foreach (var message in messages)
                {
                    errors.Add(field, message);
                }
            }
        }

        if (errors.ToProblem() is { } problem)
        {
            return problem;
        }

        var profile = new MemberProfile(update.TimeZone ?? options.StoreTimeZone, update.Birthday, update.PreferredChannel, personal.Value!);
        for (var attempt = 0; attempt < options.ConcurrencyRetries; attempt++)
        {
            var existing = await repository.GetAsync(memberId, cancellationToken);
            if (expectedVersion is not null && existing?.Version != expectedVersion)
            {
                return Problem.PreconditionFailed($"Member {memberId} is not at version {expectedVersion}.");
            }

            Member member;
            if (existing is null)
            {
                if (update.SignedUpAt is not { } signedUpAt)
                {
                    return Problem.Validation("signedUpAt", "Required when the member is created.");
                }

                member = Member.Register(memberId, signedUpAt, profile.TimeZoneId);
            }
            else if (existing.Member.IsErased)
            {
                return Problem.Gone("member-erased", "The member's personal data was erased; the profile cannot be re-created under this id.");
            }
            else
            {
                member = existing.Member;
            }

            member.UpdateProfile(profile, update.Consents, now);
            var saved = await repository.SaveAsync(new MemberWrite(member, existing?.Version, []), cancellationToken);
            if (saved.IsSuccess)
            {
                if (tiers is not null)
                {
                    await tiers.PublishAsync(memberId, member.Tier, cancellationToken);
                }

                return new MemberUpsertOutcome(existing is null, MemberView.Of(member, now, options), saved.Value!);
            }

            if (!MemberWriteProblems.IsVersionMismatch(saved.Problem) && !MemberWriteProblems.IsMemberExists(saved.Problem))
            {
                return saved.Problem!;
            }
        }

        return Problem.Unavailable("The member kept changing concurrently; retry.");
    }

    public async Task<Result<MemberView>> GetAsync(string memberId, CancellationToken cancellationToken)
    {
        if (MemberIds.Validate(memberId) is { } invalidId)
        {
            return invalidId;
        }

        var found = await repository.GetAsync(memberId, cancellationToken);
        return found is null ? Problem.NotFound($"Member {memberId}.") : MemberView.Of(found.Member, time.GetUtcNow(), options);
    }

    /// <summary>The view and its storage version (for the HTTP ETag).</summary>
    public async Task<Result<VersionedMemberView>> GetVersionedAsync(string memberId, CancellationToken cancellationToken)
    {
        if (MemberIds.Validate(memberId) is { } invalidId)
        {
            return invalidId;
        }

        var found = await repository.GetAsync(memberId, cancellationToken);
        return found is null
            ? Problem.NotFound($"Member {memberId}.")
            : new VersionedMemberView(MemberView.Of(found.Member, time.GetUtcNow(), options), found.Version);
    }

    /// <summary>Erases personal data and keeps aggregates; idempotent (an erased member erases again successfully).</summary>
    public async Task<Result<MemberView>> EraseAsync(string memberId, CancellationToken cancellationToken)
    {
        if (MemberIds.Validate(memberId) is { } invalidId)
        {
            return invalidId;
        }

        for (var attempt = 0; attempt < options.ConcurrencyRetries; attempt++)
        {
            var found = await repository.GetAsync(memberId, cancellationToken);
            if (found is null)
            {
                return Problem.NotFound($"Member {memberId}.");
            }

            var now = time.GetUtcNow();
            if (!found.Member.Erase(now, options.StoreTimeZone))
            {
                // Erased before; withdrawing the tier again repairs an erasure that crashed after its write.
                await WithdrawTierAsync(memberId, cancellationToken);
                return MemberView.Of(found.Member, now, options);
            }

            var saved = await repository.SaveAsync(
                new MemberWrite(found.Member, found.Version, [MemberEvents.MemberErased(memberId, now)]), cancellationToken);
            if (saved.IsSuccess)
            {
                await WithdrawTierAsync(memberId, cancellationToken);
                return MemberView.Of(found.Member, now, options);
            }

            if (!MemberWriteProblems.IsVersionMismatch(saved.Problem))
            {
                return saved.Problem!;
            }
        }

        return Problem.Unavailable("The member kept changing concurrently; retry.");
    }

    private Task WithdrawTierAsync(string memberId, CancellationToken cancellationToken) =>
        tiers is null ? Task.CompletedTask : tiers.RemoveAsync(memberId, cancellationToken);

    /// <summary>Decrypted personal data, for delivery and support tools only. Never log the result.</summary>
    public async Task<Result<PersonalDetails>> GetPersonalDetailsAsync(string memberId, CancellationToken cancellationToken)
    {
        if (MemberIds.Validate(memberId) is { } invalidId)
        {
            return invalidId;
        }

        var found = await repository.GetAsync(memberId, cancellationToken);
        if (found is null)
        {
            return Problem.NotFound($"Member {memberId}.");
        }

        return found.Member.IsErased ? Problem.Gone("member-erased", "The member's personal data was erased.") : protector.Unprotect(memberId, found.Member.Personal);
    }

    /// <summary>Finds a member by e-mail address (any case or spacing). Not found when no live member has it.</summary>
    public Task<Result<MemberView>> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        FindAsync(protector.EmailLookup(email), "email", m => m.Personal.EmailLookup, cancellationToken);

    /// <summary>Finds a member by phone number in any common notation.</summary>
    public Task<Result<MemberView>> FindByPhoneAsync(string phone, CancellationToken cancellationToken) =>
        FindAsync(protector.PhoneLookup(phone), "phone", m => m.Personal.PhoneLookup, cancellationToken);

    private async Task<Result<MemberView>> FindAsync(string? lookup, string field, Func<Member, string?> lookupOf, CancellationToken cancellationToken)
    {
        if (lookup is null)
        {
            return Problem.Validation(field, "Not a valid value.");
        }

        foreach (var memberId in await repository.FindByLookupAsync(lookup, cancellationToken))
        {
            // The index can be stale (contact changed since): trust only the hash on the member itself.
            var found = await repository.GetAsync(memberId, cancellationToken);
            if (found is { Member.IsErased: false } && lookupOf(found.Member) == lookup)
            {
                return MemberView.Of(found.Member, time.GetUtcNow(), options);
            }
        }

        return Problem.NotFound($"No member with this {field}.");
    }
}
