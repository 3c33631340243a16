using System.Text.Json;
using System.Text.Json.Serialization;
using EcomFunctions.Domain.Reviews;

namespace EcomFunctions.Domain.Tests.Reviews;

/// <summary>One labelled review of moderation-corpus.jsonc (see the file header for the labelling policy).</summary>
public sealed record CorpusReview(
    string Id,
    string Text,
    int Rating,
    string Expect,
    IReadOnlyList<string> Categories,
    string? Member,
    bool? Verified,
    double? AccountAgeHours,
    int? RecentReviews)
{
    public ScreeningDecision ExpectedDecision => Expect switch
    {
        "approve" => ScreeningDecision.AutoApproved,
        "review" => ScreeningDecision.NeedsReview,
        "reject" => ScreeningDecision.AutoRejected,
        _ => throw new InvalidDataException($"{Id}: unknown expectation '{Expect}'"),
    };

    public IReadOnlySet<ModerationCategory> ExpectedCategories =>
        Categories.Select(c => Enum.Parse<ModerationCategory>(c)).ToHashSet();

    public string MemberId => Member ?? "m-" + Id;

    /// <summary>The caller signals for this review, posted at <paramref name="submittedAt"/>.</summary>
    public ReviewSignals Signals(DateTimeOffset submittedAt, IReadOnlyList<NearDuplicateCandidate> nearDuplicates) => new()
    {
        MemberId = MemberId,
        Rating = Rating,
        VerifiedPurchase = Verified ?? true,
        SubmittedAt = submittedAt,
        AccountCreatedAt = submittedAt - TimeSpan.FromHours(AccountAgeHours ?? 24 * 365),
        RecentReviewsByMember = RecentReviews ?? 0,
        NearDuplicates = nearDuplicates,
    };
}

/// <summary>
/// Reads the labelled corpus. Shared by the Domain tests (copied next to the test assembly) and the moderation
/// benchmark (compiled in by link; finds the file from ECOM_REPO_ROOT or by walking up to EcomFunctions.sln).
/// </summary>
public static class ModerationCorpus
{
    public const string FileName = "moderation-corpus.jsonc";

    private const string RepoRelativePath = "tests/EcomFunctions.Domain.Tests/Reviews/" + FileName;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static IReadOnlyList<CorpusReview> Load(string? path = null)
    {
        path ??= Locate();
        var reviews = new List<CorpusReview>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            var review = JsonSerializer.Deserialize<CorpusReview>(trimmed, Json)
                ?? throw new InvalidDataException($"{path}:{lineNumber}: empty entry");
            reviews.Add(review with { Categories = review.Categories ?? [] });
        }

        return reviews;
    }

    public static string Locate()
    {
        var besideAssembly = Path.Combine(AppContext.BaseDirectory, "Reviews", FileName);
        if (File.Exists(besideAssembly))
        {
            return besideAssembly;
        }

        var root = Environment.GetEnvironmentVariable("ECOM_REPO_ROOT");
        if (!string.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, RepoRelativePath)))
        {
            return Path.Combine(root, RepoRelativePath);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EcomFunctions.sln")))
            {
                return Path.Combine(dir.FullName, RepoRelativePath);
            }
        }

        throw new FileNotFoundException($"{FileName} not found: set ECOM_REPO_ROOT or run inside the repository.");
    }
}
