using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Reviews;

namespace EcomFunctions.Storage.Reviews;

/// <summary>
/// The operator-managed blocklist every instance shares (table <see cref="ReviewTables.Config"/>, <b>PK = "blocklist"</b>:
/// one small partition read by every instance a few times a minute). Row <c>current</c> names the current version and
/// its content; the content (up to 100 000 entries, megabytes of JSON) is spread over rows
/// <c>content|{content id}|{n}</c>. A save writes a new content set under a fresh id first and then swaps the
/// <c>current</c> row with its ETag, so a reader sees the old list or the new one, never a mix, and of two concurrent
/// saves exactly one wins (the other gets PreconditionFailed). The replaced content is deleted afterwards; a reader
/// that loses that race re-reads <c>current</c>.
/// </summary>
public sealed class TableBlocklistStore(StorageClients storage, ReviewTables tables) : IBlocklistStore
{
    private const string Partition = "blocklist";
    private const string CurrentRow = "current";
    private const string ContentPrefix = "content|";
    private const int CharsPerRow = TableDocuments.ChunkChars * TableDocuments.MaxChunks;

    public async Task<long> GetVersionAsync(CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tables.Config, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition, CurrentRow, ["Version"], cancellationToken);
        return row.HasValue && row.Value is { } entity ? entity.GetInt64("Version") ?? 0 : 0;
    }

    public async Task<StoredBlocklist?> GetAsync(CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tables.Config, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition, CurrentRow, cancellationToken: cancellationToken);
            if (!row.HasValue || row.Value is not { } current)
            {
                return null;
            }

            var contentId = current.GetString("ContentId") ?? string.Empty;
            var rows = current.GetInt32("Rows") ?? 0;
            var parts = new List<string>();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey gt {ContentPrefix + contentId + "|"} and RowKey lt {ContentPrefix + contentId + "|~"}");
            await foreach (var part in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                parts.Add(TableDocuments.Read(part, "Doc"));
            }

            if (parts.Count != rows)
            {
                if (attempt < 3)
                {
                    continue; // replaced and cleaned up while we read: read the new current list
                }

                throw new InvalidOperationException($"Blocklist version {current.GetInt64("Version")} has {parts.Count} of {rows} content rows.");
            }

            var entries = EcomJson.Deserialize<List<BlocklistEntry>>(string.Concat(parts)) ?? [];
            return new StoredBlocklist(current.GetInt64("Version") ?? 0, entries,
                current.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue, current.GetString("UpdatedBy") ?? string.Empty);
        }
    }

    public async Task<Result<StoredBlocklist>> SaveAsync(IReadOnlyList<BlocklistEntry> entries, long expectedVersion, string updatedBy, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var table = await storage.TableAsync(tables.Config, cancellationToken);
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(Partition, CurrentRow, cancellationToken: cancellationToken);
        var current = existing.HasValue ? existing.Value : null;
        var storedVersion = current?.GetInt64("Version") ?? 0;
        if (storedVersion != expectedVersion)
        {
            return Problem.PreconditionFailed($"The blocklist is at version {storedVersion}, not {expectedVersion}.");
        }

        var contentId = Guid.NewGuid().ToString("N");
        var json = EcomJson.Serialize(entries);
        var rows = Math.Max(1, (json.Length + CharsPerRow - 1) / CharsPerRow);
        await Task.WhenAll(Enumerable.Range(0, rows).Select(i =>
        {
            var part = new TableEntity(Partition, ContentKey(contentId, i));
            TableDocuments.Write(part, "Doc", json.Substring(i * CharsPerRow, Math.Min(CharsPerRow, json.Length - (i * CharsPerRow))));
            return table.AddEntityAsync(part, cancellationToken);
        }));

        var version = storedVersion + 1;
        var pointer = new TableEntity(Partition, CurrentRow)
        {
            ["Version"] = version,
            ["ContentId"] = contentId,
            ["Rows"] = rows,
            ["EntryCount"] = entries.Count,
            ["UpdatedAt"] = at,
            ["UpdatedBy"] = updatedBy,
        };
        try
        {
            if (current is null)
            {
                await table.AddEntityAsync(pointer, cancellationToken);
            }
            else
            {
                await table.UpdateEntityAsync(pointer, current.ETag, TableUpdateMode.Replace, cancellationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
        {
            await DeleteContentAsync(table, contentId, rows, cancellationToken);
            return Problem.PreconditionFailed("The blocklist was saved by someone else meanwhile.");
        }

        if (current is not null)
        {
            await DeleteContentAsync(table, current.GetString("ContentId") ?? string.Empty, current.GetInt32("Rows") ?? 0, cancellationToken);
        }

        return new StoredBlocklist(version, entries.ToList(), at, updatedBy);
    }

    private static string ContentKey(string contentId, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{ContentPrefix}{contentId}|{index:D4}");

    private static async Task DeleteContentAsync(TableClient table, string contentId, int rows, CancellationToken cancellationToken)
    {
        for (var i = 0; i < rows; i++)
        {
            try
            {
                await table.DeleteEntityAsync(Partition, ContentKey(contentId, i), ETag.All, cancellationToken);
            }
            catch (RequestFailedException)
            {
                // Never written, already removed, or storage hiccuped: leftover content rows are harmless (nothing points at them).
            }
        }
    }
}
