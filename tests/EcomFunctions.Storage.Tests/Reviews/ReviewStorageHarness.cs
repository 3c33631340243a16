using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Reviews;
using EcomFunctions.Storage.Reviews;
using EcomFunctions.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EcomFunctions.Storage.Tests.Reviews;

/// <summary>The review adapters and use cases on Azurite, with tables no other test uses and a fake clock.</summary>
public sealed class ReviewStorageHarness : IDisposable
{
    public ReviewStorageHarness(ModerationOptions? moderation = null, ReviewOptions? options = null, IContentClassifier? classifier = null)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
        Storage = new StorageClients(new StorageConnection(Azurite.ConnectionString));
        Tables = new ReviewTables(Azurite.UniqueName("rv"), Azurite.UniqueName("rvl"), Azurite.UniqueName("rvq"), Azurite.UniqueName("rvf"),
            Azurite.UniqueName("rvm"), Azurite.UniqueName("rvc"));
        Queue = new RecordingQueueSender();
        Options = options ?? new ReviewOptions();
        Moderation = moderation ?? new ModerationOptions();
        Store = new TableReviewStore(Storage, new Outbox(Storage, Queue, NullLogger<Outbox>.Instance), Tables, NullLogger<TableReviewStore>.Instance);
        NearDuplicates = new TableNearDuplicateIndex(Storage, Tables);
        MemberLog = new TableMemberReviewLog(Storage, Tables);
        BlocklistStore = new TableBlocklistStore(Storage, Tables);
        Orders = new OrderDirectory(Storage);
        Blocklist = NewBlocklist();
        Lifecycle = new ReviewLifecycle(new NegativeReviewPolicy(new ReviewResponseOptions()));
        Submissions = new ReviewSubmissions(Store, Orders, MemberLog, Moderation, Time);
        Screening = new ReviewModeration(Store, NearDuplicates, MemberLog, Blocklist, new ReviewScreening(Moderation), Lifecycle,
            classifier ?? new ContentSafetyClassifier(new HttpClient(), new ContentSafetyOptions(), new Azure.Identity.DefaultAzureCredential()), Options, Time);
        Operations = new ReviewOperations(Store, Lifecycle, Options, Time);
    }

    public FakeTimeProvider Time { get; }

    public StorageClients Storage { get; }

    public ReviewTables Tables { get; }

    public RecordingQueueSender Queue { get; }

    public ReviewOptions Options { get; }

    public ModerationOptions Moderation { get; }

    public TableReviewStore Store { get; }

    public TableNearDuplicateIndex NearDuplicates { get; }

    public TableMemberReviewLog MemberLog { get; }

    public TableBlocklistStore BlocklistStore { get; }

    public OrderDirectory Orders { get; }

    public ModerationBlocklist Blocklist { get; }

    public ReviewLifecycle Lifecycle { get; }

    public ReviewSubmissions Submissions { get; }

    public ReviewModeration Screening { get; }

    public ReviewOperations Operations { get; }

    /// <summary>Another instance's view of the same blocklist table (its own compiled list and refresh clock).</summary>
    public ModerationBlocklist NewBlocklist() => new(BlocklistStore, new ActiveBlocklist(), Options, Time);

    /// <summary>A purchase the storefront reported, so that the review is a verified purchase.</summary>
    public Task BuyAsync(string memberId, string orderId, params string[] productIds) =>
        Orders.RecordAsync(new OrderRecord(memberId, orderId, productIds, 99m, Time.GetUtcNow().AddDays(-3), "app"), CancellationToken.None);

    /// <summary>Submits (as a verified purchase unless <paramref name="buy"/> is false) and screens a review.</summary>
    public async Task<Review> SubmitAndScreenAsync(string memberId, string productId, int rating, string text, bool buy = true, string? orderId = null)
    {
        orderId ??= "o-" + Guid.NewGuid().ToString("N")[..8];
        if (buy)
        {
            await BuyAsync(memberId, orderId, productId);
        }

        var submitted = (await Submissions.SubmitAsync(new ReviewSubmission(memberId, orderId, productId, rating, text, [], null), CancellationToken.None)).GetValueOrThrow();
        return (await Screening.ScreenAsync(productId, submitted.Review.Id, CancellationToken.None)).GetValueOrThrow().Review;
    }

    /// <summary>Outbox rows still in a product's partition (nothing dispatches them in these tests).</summary>
    public async Task<IReadOnlyList<DomainEvent>> OutboxEventsAsync(string productId)
    {
        var table = await Storage.TableAsync(Tables.Reviews);
        var events = new List<DomainEvent>();
        await foreach (var row in table.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == productId))
        {
            if (row.RowKey.StartsWith(Outbox.RowKeyPrefix, StringComparison.Ordinal))
            {
                events.Add(new DomainEvent(row.RowKey[Outbox.RowKeyPrefix.Length..], row.GetString("EventType")!, row.GetString("Subject")!,
                    row.GetDateTimeOffset("Time")!.Value, row.GetString("Data")!));
            }
        }

        return events;
    }

    public void Dispose() => Blocklist.Dispose();
}
