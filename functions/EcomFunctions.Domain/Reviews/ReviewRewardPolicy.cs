namespace EcomFunctions.Domain.Reviews;

/// <summary>Growth value for approved reviews (DESIGN §7; section "Reviews:Rewards").</summary>
public sealed class ReviewRewardOptions
{
    public const string SectionName = "Reviews:Rewards";

    public int ApprovedReviewGrowth { get; set; } = 10;

    public int PhotoBonusGrowth { get; set; } = 5;
}

/// <summary>
/// Growth value a member earns when a review is approved. The rating is deliberately not an input: rewards must not
/// buy praise, so a one-star review earns exactly what a five-star one does.
/// </summary>
public sealed class ReviewRewardPolicy(ReviewRewardOptions options)
{
    private readonly ReviewRewardOptions options = options ?? throw new ArgumentNullException(nameof(options));

    public int GrowthFor(int imageCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(imageCount);
        return options.ApprovedReviewGrowth + (imageCount > 0 ? options.PhotoBonusGrowth : 0);
    }
}
