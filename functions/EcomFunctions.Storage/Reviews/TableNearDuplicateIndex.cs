using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using EcomFunctions.Domain.Reviews;

namespace EcomFunctions.Storage.Reviews;

/// <summary>
/// The SimHash near-duplicate index (table <see cref="ReviewTables.Fingerprints"/>). <b>PK = band key</b> (e.g.
/// <c>2-9f3a</c>: band index and band bits of a fingerprint), <b>RK = posted ticks + review id</b>. A review is stored
/// under each of its bands; two fingerprints within the distance share at least one whole band, so a lookup reads
/// exactly maxDistance + 1 partitions — by key, never by scanning. A 16-bit band spreads a week of reviews over 65 536
/// partitions per band, so each read is a handful of rows. There is no TTL in Table Storage: rows older than the
/// window are skipped by every lookup and deleted by the lookups that meet them.
/// </summary>
public sealed class TableNearDuplicateIndex(StorageClients storage, ReviewTables tables) : INearDuplicateIndex
{
    public async Task<IReadOnlyList<NearDuplicateCandidate>> FindAsync(IReadOnlyList<string> bandKeys, DateTimeOffset since, string excludeReviewId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bandKeys);
        if (bandKeys.Count == 0)
        {
            return [];
        }

        var table = await storage.TableAsync(tables.Fingerprints, cancellationToken);
        var bands = await Task.WhenAll(bandKeys.Distinct(StringComparer.Ordinal).Select(key => ReadBandAsync(table, key, since, cancellationToken)));
        var found = new Dictionary<string, NearDuplicateCandidate>(StringComparer.Ordinal);
        foreach (var candidate in bands.SelectMany(b => b))
        {
            if (candidate.ReviewId != excludeReviewId)
            {
                found.TryAdd(candidate.ReviewId, candidate);
            }
        }

        return found.Values.ToList();
    }

    public async Task AddAsync(IReadOnlyList<string> bandKeys, NearDuplicateCandidate candidate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bandKeys);
        ArgumentNullException.ThrowIfNull(candidate);
        var table = await storage.TableAsync(tables.Fingerprints, cancellationToken);
        var rowKey = string.Create(CultureInfo.InvariantCulture, $"{candidate.PostedAt.UtcTicks:D19}|{candidate.ReviewId}");
        // Upserts: adding the same review again (a redelivered screening) rewrites the same rows.
        await Task.WhenAll(bandKeys.Distinct(StringComparer.Ordinal).Select(key => table.UpsertEntityAsync(new TableEntity(key, rowKey)
        {
            ["ReviewId"] = candidate.ReviewId,
            ["MemberId"] = candidate.MemberId,
            ["Fingerprint"] = unchecked((long)candidate.Fingerprint.Value),
            ["PostedAt"] = candidate.PostedAt,
        }, TableUpdateMode.Replace, cancellationToken)));
    }

    private static async Task<List<NearDuplicateCandidate>> ReadBandAsync(TableClient table, string bandKey, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var candidates = new List<NearDuplicateCandidate>();
        var expired = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == bandKey, cancellationToken: cancellationToken))
        {
            var postedAt = row.GetDateTimeOffset("PostedAt") ?? DateTimeOffset.MinValue;
            if (postedAt < since)
            {
                expired.Add(row);
                continue;
            }

            candidates.Add(new NearDuplicateCandidate(row.GetString("ReviewId") ?? string.Empty, row.GetString("MemberId") ?? string.Empty,
                new SimHashFingerprint(unchecked((ulong)(row.GetInt64("Fingerprint") ?? 0))), postedAt));
        }

        foreach (var row in expired)
        {
            try
            {
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.NotFound or (int)HttpStatusCode.PreconditionFailed)
            {
                // Removed by a concurrent lookup.
            }
        }

        return candidates;
    }
}
