namespace EcomFunctions.Domain.Reviews;

/// <summary>How a product's approved reviews spread over one to five stars (shown with the public review list).</summary>
public sealed record RatingDistribution(int OneStar, int TwoStars, int ThreeStars, int FourStars, int FiveStars)
{
    public static RatingDistribution Empty { get; } = new(0, 0, 0, 0, 0);

    public int Total => OneStar + TwoStars + ThreeStars + FourStars + FiveStars;

    /// <summary>Mean rating rounded to one decimal (what storefronts show), 0 when there are no reviews.</summary>
    public double Average => Total == 0
        ? 0
        : Math.Round(((1.0 * OneStar) + (2.0 * TwoStars) + (3.0 * ThreeStars) + (4.0 * FourStars) + (5.0 * FiveStars)) / Total, 1, MidpointRounding.AwayFromZero);

    public int Count(int stars) => stars switch
    {
        1 => OneStar,
        2 => TwoStars,
        3 => ThreeStars,
        4 => FourStars,
        5 => FiveStars,
        _ => throw new ArgumentOutOfRangeException(nameof(stars), stars, "A rating is 1 to 5 stars."),
    };

    /// <summary>Share of reviews with <paramref name="stars"/> stars, 0–1.</summary>
    public double Share(int stars) => Total == 0 ? 0 : (double)Count(stars) / Total;

    /// <summary>Adds one review; counters kept per product are updated this way when a review is approved.</summary>
    public RatingDistribution Add(int stars) => stars switch
    {
        1 => this with { OneStar = OneStar + 1 },
        2 => this with { TwoStars = TwoStars + 1 },
        3 => this with { ThreeStars = ThreeStars + 1 },
        4 => this with { FourStars = FourStars + 1 },
        5 => this with { FiveStars = FiveStars + 1 },
        _ => throw new ArgumentOutOfRangeException(nameof(stars), stars, "A rating is 1 to 5 stars."),
    };

    /// <summary>Removes one review (a published review taken down); never below zero.</summary>
    public RatingDistribution Remove(int stars) => stars switch
    {
        1 => this with { OneStar = Math.Max(0, OneStar - 1) },
        2 => this with { TwoStars = Math.Max(0, TwoStars - 1) },
        3 => this with { ThreeStars = Math.Max(0, ThreeStars - 1) },
        4 => this with { FourStars = Math.Max(0, FourStars - 1) },
        5 => this with { FiveStars = Math.Max(0, FiveStars - 1) },
        _ => throw new ArgumentOutOfRangeException(nameof(stars), stars, "A rating is 1 to 5 stars."),
    };

    public static RatingDistribution From(IEnumerable<int> ratings)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        return ratings.Aggregate(Empty, (distribution, stars) => distribution.Add(stars));
    }
}
