namespace EcomFunctions.Domain.Reviews;

/// <summary>Options for the merchant-response queue of negative reviews (section "Reviews:Responses").</summary>
public sealed class ReviewResponseOptions
{
    public const string SectionName = "Reviews:Responses";

    /// <summary>Ratings at or below this are negative reviews a merchant must answer.</summary>
    public int NegativeRatingAtMost { get; set; } = 2;

    /// <summary>How long a merchant has to answer a negative review (DESIGN §8: 24 h default).</summary>
    public TimeSpan ResponseSla { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>
/// Which reviews need a merchant response and when one is overdue. The clock starts when the review enters the
/// response queue — the App enqueues a negative review when it is approved (published): a merchant cannot answer what
/// buyers cannot see, and a review still in moderation may never be published.
/// </summary>
public sealed class NegativeReviewPolicy(ReviewResponseOptions options)
{
    private readonly ReviewResponseOptions options = options ?? throw new ArgumentNullException(nameof(options));

    public bool IsNegative(int rating) => rating <= options.NegativeRatingAtMost;

    public DateTimeOffset ResponseDueAt(DateTimeOffset enteredQueueAt) => enteredQueueAt + options.ResponseSla;

    /// <summary>Overdue: no response yet and the due time has passed (a response exactly at the due time is in time).</summary>
    public static bool IsOverdue(DateTimeOffset dueAt, DateTimeOffset? respondedAt, DateTimeOffset now) =>
        respondedAt is null && now > dueAt;

    public static bool IsOverdue(DateTimeOffset dueAt, DateTimeOffset? respondedAt, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return IsOverdue(dueAt, respondedAt, time.GetUtcNow());
    }

    /// <summary>How long past due an unanswered review is (zero when not overdue); reminders show it.</summary>
    public static TimeSpan OverdueBy(DateTimeOffset dueAt, DateTimeOffset? respondedAt, DateTimeOffset now) =>
        IsOverdue(dueAt, respondedAt, now) ? now - dueAt : TimeSpan.Zero;
}
