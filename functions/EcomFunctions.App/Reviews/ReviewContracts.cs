using System.ComponentModel.DataAnnotations;
using System.Globalization;
using EcomFunctions.App.Platform;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Reviews;
using EcomFunctions.Storage;

namespace EcomFunctions.App.Reviews;

// HTTP contracts of the review capability. Statuses, decisions, categories and actions are written with their
// business names ("Pending", "NeedsReview", "ContactLure") as the operator console and the issue spell them;
// inputs accept any letter case.

/// <summary>POST /api/reviews. <see cref="MemberSince"/> is the account's creation time as the storefront knows it (the new-account signal).</summary>
public sealed record SubmitReviewRequest(
    string MemberId,
    string OrderId,
    string ProductId,
    [property: Range(1, 5)] int Rating,
    string Text,
    IReadOnlyList<string>? ImageUrls = null,
    DateTimeOffset? MemberSince = null) : ISelfValidating
{
    public void Validate(FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ReviewInput.Id(errors, "memberId", MemberId);
        ReviewInput.Id(errors, "orderId", OrderId);
        ReviewInput.Id(errors, "productId", ProductId);
        errors.AddIf(Text is { Length: > ReviewLimits.MaxTextLength }, "text", $"At most {ReviewLimits.MaxTextLength} characters.");
        var images = ImageUrls ?? [];
        errors.AddIf(images.Count > ReviewLimits.MaxImages, "imageUrls", $"At most {ReviewLimits.MaxImages} images.");
        for (var i = 0; i < Math.Min(images.Count, ReviewLimits.MaxImages + 1); i++)
        {
            var url = images[i];
            var valid = url is { Length: > 0 and <= ReviewLimits.MaxImageUrlLength }
                && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http";
            errors.AddIf(!valid, $"imageUrls[{i}]", $"An absolute http(s) URL of at most {ReviewLimits.MaxImageUrlLength} characters.");
        }
    }

    public ReviewSubmission ToSubmission() => new(MemberId, OrderId, ProductId, Rating, Text, ImageUrls ?? [], MemberSince);
}

public sealed record SubmitReviewResponse(string Id, string Status);

/// <summary>An operator's verdict on a review.</summary>
public enum ModerationVerdict
{
    Approve,
    Reject,
}

/// <summary>POST /api/reviews/{id}/decision.</summary>
public sealed record DecisionRequest(ModerationVerdict Decision, string Reason) : ISelfValidating
{
    public void Validate(FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.AddIf(!Enum.IsDefined(Decision), "decision", "Must be approve or reject.");
        errors.AddIf(string.IsNullOrWhiteSpace(Reason), "reason", "A reason is required.");
        errors.AddIf(Reason is { Length: > ReviewLimits.MaxReasonLength }, "reason", $"At most {ReviewLimits.MaxReasonLength} characters.");
    }
}

/// <summary>POST /api/reviews/{id}/response.</summary>
public sealed record ResponseRequest(string Text) : ISelfValidating
{
    public void Validate(FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.AddIf(string.IsNullOrWhiteSpace(Text), "text", "A response text is required.");
        errors.AddIf(Text is { Length: > ReviewLimits.MaxResponseLength }, "text", $"At most {ReviewLimits.MaxResponseLength} characters.");
    }
}

/// <summary>PUT /api/moderation/blocklist: the whole list.</summary>
public sealed record BlocklistRequest(IReadOnlyList<BlocklistEntryInput> Entries) : ISelfValidating
{
    public void Validate(FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.AddIf(Entries is { Count: > Blocklist.MaxEntries }, "entries", $"At most {Blocklist.MaxEntries} entries.");
        for (var i = 0; i < (Entries?.Count ?? 0); i++)
        {
            errors.AddIf(Entries![i] is null, $"entries[{i}]", "An entry is required.");
        }
    }
}

public sealed record BlocklistEntryInput(string Term, ModerationCategory Category, ModerationAction Action);

public sealed record BlocklistEntryView(string Term, string Category, string Action);

public sealed record BlocklistView(long Version, DateTimeOffset UpdatedAt, string UpdatedBy, int Count, IReadOnlyList<BlocklistEntryView> Entries)
{
    public static BlocklistView From(StoredBlocklist stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new BlocklistView(stored.Version, stored.UpdatedAt, stored.UpdatedBy, stored.Entries.Count,
            stored.Entries.Select(e => new BlocklistEntryView(e.Term, e.Category.ToString(), e.Action.ToString())).ToList());
    }
}

/// <summary>A matched place in the review text: UTF-16 offsets into <c>text</c>, and the characters there (for highlighting).</summary>
public sealed record SpanView(int Start, int Length, string Text);

public sealed record ReasonView(string Code, string Category, string Action, string Detail, IReadOnlyList<SpanView> Spans);

public sealed record ScreeningView(string Decision, DateTimeOffset ScreenedAt, long BlocklistVersion, string Fingerprint, IReadOnlyList<ReasonView> Reasons);

public sealed record DecisionView(string Decision, string Reason, string OperatorId, string OperatorName, DateTimeOffset DecidedAt);

public sealed record ResponseView(string Text, DateTimeOffset RespondedAt, string? MerchantId = null, string? MerchantName = null);

/// <summary>A review as operators see it: everything, including every screening reason with its spans.</summary>
public sealed record ModerationReviewView(
    string Id,
    string ProductId,
    string MemberId,
    string OrderId,
    int Rating,
    string Text,
    IReadOnlyList<string> ImageUrls,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? MemberSince,
    bool VerifiedPurchase,
    string Status,
    long Version,
    ScreeningView? Screening,
    DecisionView? Decision,
    DateTimeOffset? PublishedAt,
    DateTimeOffset? ResponseDueAt,
    ResponseView? Response,
    DateTimeOffset? OverdueFlaggedAt)
{
    public static ModerationReviewView From(Review review)
    {
        ArgumentNullException.ThrowIfNull(review);
        return new ModerationReviewView(review.Id, review.ProductId, review.MemberId, review.OrderId, review.Rating, review.Text,
            review.ImageUrls, review.SubmittedAt, review.MemberSince, review.VerifiedPurchase, review.Status.ToString(), review.Version,
            review.Screening is { } s
                ? new ScreeningView(s.Decision.ToString(), s.ScreenedAt, s.BlocklistVersion, s.Fingerprint, s.Reasons.Select(r => Reason(review.Text, r)).ToList())
                : null,
            review.Decision is { } d ? new DecisionView(d.Approved ? "Approved" : "Rejected", d.Reason, d.OperatorId, d.OperatorName, d.DecidedAt) : null,
            review.PublishedAt, review.ResponseDueAt,
            review.Response is { } r ? new ResponseView(r.Text, r.RespondedAt, r.MerchantId, r.MerchantName) : null,
            review.OverdueFlaggedAt);
    }

    private static ReasonView Reason(string text, ScreeningReason reason) =>
        new(reason.Code, reason.Category.ToString(), reason.Action.ToString(), reason.Detail,
            reason.Spans.Where(s => s.Start >= 0 && s.End <= text.Length)
                .Select(s => new SpanView(s.Start, s.Length, text.Substring(s.Start, s.Length))).ToList());
}

public sealed record ReviewDetailView(ModerationReviewView Review, IReadOnlyList<AuditEntryView> AuditTrail);

public sealed record AuditEntryView(long Version, DateTimeOffset At, string Action, string ActorId, string ActorName, string? From, string To, string? Comment, IReadOnlyList<string> ReasonCodes)
{
    public static AuditEntryView Of(ReviewAuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new AuditEntryView(entry.Version, entry.At, entry.Action, entry.ActorId, entry.ActorName, entry.From?.ToString(), entry.To.ToString(), entry.Comment, entry.ReasonCodes);
    }
}

public sealed record PageView<T>(IReadOnlyList<T> Items, string? ContinuationToken);

/// <summary>What a storefront sees of its member's review (GET /api/reviews/{id}).</summary>
public sealed record ReviewStatusView(string Id, string ProductId, string Status, int Rating, DateTimeOffset SubmittedAt, DateTimeOffset? PublishedAt, bool VerifiedPurchase)
{
    public static ReviewStatusView From(Review review)
    {
        ArgumentNullException.ThrowIfNull(review);
        return new ReviewStatusView(review.Id, review.ProductId, review.Status.ToString(), review.Rating, review.SubmittedAt, review.PublishedAt, review.VerifiedPurchase);
    }
}

public sealed record PublishedReviewView(
    string Id, string MemberId, int Rating, string Text, IReadOnlyList<string> ImageUrls, bool VerifiedPurchase,
    DateTimeOffset SubmittedAt, DateTimeOffset PublishedAt, ResponseView? Response)
{
    public static PublishedReviewView From(PublishedReview review)
    {
        ArgumentNullException.ThrowIfNull(review);
        return new PublishedReviewView(review.Id, review.MemberId, review.Rating, review.Text, review.ImageUrls, review.VerifiedPurchase,
            review.SubmittedAt, review.PublishedAt, review.Response is { } r ? new ResponseView(r.Text, r.RespondedAt) : null);
    }
}

public sealed record RatingsView(int OneStar, int TwoStars, int ThreeStars, int FourStars, int FiveStars, int Total, double Average)
{
    public static RatingsView From(RatingDistribution d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new RatingsView(d.OneStar, d.TwoStars, d.ThreeStars, d.FourStars, d.FiveStars, d.Total, d.Average);
    }
}

public sealed record ProductReviewsView(string ProductId, RatingsView Ratings, IReadOnlyList<PublishedReviewView> Items, string? ContinuationToken);

public sealed record KeywordsView(string ProductId, int ReviewsRead, IReadOnlyList<KeywordCount> Keywords);

/// <summary>A negative review in the merchant-response queue.</summary>
public sealed record NegativeReviewView(
    string Id, string ProductId, string MemberId, int Rating, string Text, IReadOnlyList<string> ImageUrls,
    DateTimeOffset PublishedAt, DateTimeOffset ResponseDueAt, bool Overdue, int OverdueMinutes, DateTimeOffset? OverdueFlaggedAt, long Version)
{
    public static NegativeReviewView From(Review review, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(review);
        var due = review.ResponseDueAt ?? review.SubmittedAt;
        var overdueBy = NegativeReviewPolicy.OverdueBy(due, null, now);
        return new NegativeReviewView(review.Id, review.ProductId, review.MemberId, review.Rating, review.Text, review.ImageUrls,
            review.PublishedAt ?? review.SubmittedAt, due, overdueBy > TimeSpan.Zero, (int)Math.Floor(overdueBy.TotalMinutes), review.OverdueFlaggedAt, review.Version);
    }
}

/// <summary>Input checks shared by the review endpoints.</summary>
public static class ReviewInput
{
    public static void Id(FieldErrors errors, string field, string? value)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.AddIf(string.IsNullOrWhiteSpace(value) || value.Length > ReviewLimits.MaxIdLength || !TableKeys.IsValid(value) || value != value.Trim(),
            field, $"Required: 1 to {ReviewLimits.MaxIdLength} characters without '/', '\\', '#', '?', control characters or surrounding spaces.");
    }

    /// <summary>The version an <c>If-Match: "3"</c> header asks for; null without the header or for <c>*</c>.</summary>
    public static Result<long?> IfMatchVersion(Microsoft.AspNetCore.Http.HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var raw = request.Headers.IfMatch.ToString().Trim();
        if (raw.Length == 0 || raw == "*")
        {
            return (long?)null;
        }

        var unquoted = raw.StartsWith("W/", StringComparison.Ordinal) ? raw[2..] : raw;
        unquoted = unquoted.Trim('"');
        return long.TryParse(unquoted, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : Problem.Validation("If-Match", "Must be the ETag this API returned, e.g. \"3\".");
    }

    public static string ETag(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");
}

/// <summary>An operator's change request: who, what (validated body) and the If-Match version it was based on.</summary>
public sealed record OperatorCommand<T>(OperatorPrincipal Operator, T Input, long? ExpectedVersion)
{
    public ReviewActor Actor => new(Operator.Id, Operator.Name);
}

public static class OperatorCommands
{
    /// <summary>401/403 for the wrong operator, 400/413/415 for a bad body or If-Match; otherwise the command.</summary>
    public static async Task<Result<OperatorCommand<T>>> ReadCommandAsync<T>(this OperatorAuthentication operators, Microsoft.AspNetCore.Http.HttpRequest request,
        string role, CancellationToken cancellationToken) where T : class
    {
        ArgumentNullException.ThrowIfNull(operators);
        var principal = operators.Require(request, role);
        if (principal.Problem is { } denied)
        {
            return denied;
        }

        var input = await request.ReadValidatedAsync<T>(cancellationToken);
        var expected = ReviewInput.IfMatchVersion(request);
        return (input.Problem ?? expected.Problem) is { } invalid
            ? invalid
            : new OperatorCommand<T>(principal.Value!, input.Value!, expected.Value);
    }
}
