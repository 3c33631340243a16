using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Storage;

/// <summary>
/// Idempotency-Key records in table <see cref="TableNames.Idempotency"/>.
/// Partition key = scope (the operation, e.g. "coupon-claim"), row key = the client's key (hashed when it holds
/// characters a row key cannot): lookups are point reads and one operation's keys never collide with another's.
/// <c>AddEntity</c> is the atomic claim: of concurrent duplicates exactly one insert succeeds, the rest see 409.
/// </summary>
public sealed partial class TableIdempotencyStore(StorageClients storage) : IIdempotencyStore
{
    // Entity properties are capped at 64 KiB (32 K UTF-16 chars); bodies are split into chunks below that.
    private const int ChunkChars = 30_000;
    private const int MaxChunks = 30;

    public async Task<IdempotencyClaim> BeginAsync(string scope, string key, string requestHash, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.Idempotency, cancellationToken);
        var entity = new TableEntity(scope, RowKey(key))
        {
            ["State"] = nameof(IdempotencyState.InProgress),
            ["RequestHash"] = requestHash,
            ["LeaseUntil"] = now + lease,
        };
        try
        {
            await table.AddEntityAsync(entity, cancellationToken);
            return new IdempotencyClaim(IdempotencyState.Started, requestHash, null);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            // Someone used this key before: replay, wait, or take over an expired/abandoned record.
        }

        var existing = await table.GetEntityIfExistsAsync<TableEntity>(scope, RowKey(key), cancellationToken: cancellationToken);
        if (!existing.HasValue || existing.Value is null)
        {
            // Released between our insert and read: try once more from the start.
            return await BeginAsync(scope, key, requestHash, now, lease, cancellationToken);
        }

        var record = existing.Value;
        var state = record.GetString("State");
        var storedHash = record.GetString("RequestHash") ?? string.Empty;
        var expired = state == nameof(IdempotencyState.Completed)
            ? record.GetDateTimeOffset("ExpiresAt") is { } expiresAt && expiresAt <= now
            : record.GetDateTimeOffset("LeaseUntil") is { } leaseUntil && leaseUntil <= now;
        if (expired)
        {
            try
            {
                await table.UpdateEntityAsync(entity, record.ETag, TableUpdateMode.Replace, cancellationToken);
                return new IdempotencyClaim(IdempotencyState.Started, requestHash, null);
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed)
            {
                return new IdempotencyClaim(IdempotencyState.InProgress, storedHash, null);
            }
        }

        return state == nameof(IdempotencyState.Completed)
            ? new IdempotencyClaim(IdempotencyState.Completed, storedHash, ReadResponse(record))
            : new IdempotencyClaim(IdempotencyState.InProgress, storedHash, null);
    }

    public async Task CompleteAsync(string scope, string key, StoredResponse response, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var table = await storage.TableAsync(TableNames.Idempotency, cancellationToken);
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(scope, RowKey(key), cancellationToken: cancellationToken);
        var entity = new TableEntity(scope, RowKey(key))
        {
            ["State"] = nameof(IdempotencyState.Completed),
            ["RequestHash"] = existing.HasValue ? existing.Value?.GetString("RequestHash") : null,
            ["ExpiresAt"] = expiresAt,
            ["Status"] = response.Status,
            ["ContentType"] = response.ContentType,
            ["Headers"] = EcomJson.Serialize(response.Headers),
        };
        var body = response.Body ?? string.Empty;
        var chunks = (body.Length + ChunkChars - 1) / ChunkChars;
        if (chunks > MaxChunks)
        {
            throw new InvalidOperationException("Response too large to store for idempotent replay.");
        }

        entity["BodyChunks"] = chunks;
        entity["HasBody"] = response.Body is not null;
        for (var i = 0; i < chunks; i++)
        {
            entity[$"Body{i}"] = body.Substring(i * ChunkChars, Math.Min(ChunkChars, body.Length - (i * ChunkChars)));
        }

        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task ReleaseAsync(string scope, string key, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.Idempotency, cancellationToken);
        await table.DeleteEntityAsync(scope, RowKey(key), ETag.All, cancellationToken);
    }

    /// <summary>Client keys become row keys as-is when safe and short, otherwise by SHA-256.</summary>
    public static string RowKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length <= 128 && SafeKey().IsMatch(key)
            ? key
            : "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    private static StoredResponse ReadResponse(TableEntity record)
    {
        string? body = null;
        if (record.GetBoolean("HasBody") == true)
        {
            var builder = new StringBuilder();
            var chunks = record.GetInt32("BodyChunks") ?? 0;
            for (var i = 0; i < chunks; i++)
            {
                builder.Append(record.GetString($"Body{i}"));
            }

            body = builder.ToString();
        }

        var headers = EcomJson.Deserialize<Dictionary<string, string>>(record.GetString("Headers") ?? "{}") ?? [];
        return new StoredResponse(record.GetInt32("Status") ?? 200, record.GetString("ContentType"), body, headers);
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]+$")]
    private static partial Regex SafeKey();
}
