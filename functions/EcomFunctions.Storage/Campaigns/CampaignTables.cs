using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;

namespace EcomFunctions.Storage.Campaigns;

/// <summary>
/// The table names the Campaigns adapters write to. Production uses the constants of <see cref="TableNames"/>; storage
/// tests pass unique names so they run in parallel on one Azurite and leave nothing shared behind.
/// </summary>
public sealed record CampaignTables(
    string Campaigns = TableNames.Campaigns,
    string Directory = TableNames.CampaignDirectory,
    string Metrics = TableNames.CampaignMetrics,
    string Visitors = TableNames.CampaignVisitors,
    string Budget = TableNames.CampaignBudget,
    string Incidents = TableNames.CampaignIncidents,
    string Snapshots = TableNames.CampaignSnapshots)
{
    public static CampaignTables Default { get; } = new();
}

/// <summary>Small helpers shared by the Campaigns adapters.</summary>
internal static class CampaignEntities
{
    // A string property holds at most 64 KiB (32 K UTF-16 characters); documents are split below that.
    private const int ChunkChars = 30_000;
    private const int MaxChunks = 30;

    /// <summary>Writes a JSON document into Doc, Doc1, Doc2 … so that any campaign fits in one entity (≤ 1 MiB).</summary>
    public static void WriteDocument(TableEntity entity, string json)
    {
        var chunks = (json.Length + ChunkChars - 1) / ChunkChars;
        if (chunks > MaxChunks)
        {
            throw new InvalidOperationException($"Document of {json.Length} characters is too large for one table entity.");
        }

        entity["DocChunks"] = Math.Max(chunks, 1);
        for (var i = 0; i < Math.Max(chunks, 1); i++)
        {
            var part = json.Length == 0 ? "" : json.Substring(i * ChunkChars, Math.Min(ChunkChars, json.Length - (i * ChunkChars)));
            entity[i == 0 ? "Doc" : "Doc" + i.ToString(CultureInfo.InvariantCulture)] = part;
        }
    }

    public static string ReadDocument(TableEntity entity)
    {
        var chunks = entity.GetInt32("DocChunks") ?? 1;
        if (chunks == 1)
        {
            return entity.GetString("Doc") ?? "null";
        }

        var json = new StringBuilder();
        for (var i = 0; i < chunks; i++)
        {
            json.Append(entity.GetString(i == 0 ? "Doc" : "Doc" + i.ToString(CultureInfo.InvariantCulture)));
        }

        return json.ToString();
    }

    public static T ReadDocument<T>(TableEntity entity, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<T>(ReadDocument(entity), options) ?? throw new InvalidOperationException($"Stored {typeof(T).Name} {entity.PartitionKey}/{entity.RowKey} is empty.");

    /// <summary>
    /// A row key for an id that comes from outside (visitor ids, ledger entry ids): a hash, so any characters are
    /// allowed, all keys have one length, and no personal identifier is stored as a key.
    /// </summary>
    public static string HashKey(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)).AsSpan(0, 16));

    /// <summary>Row-key-safe text that stays readable ('/', '\\', '#', '?', '%' and controls are percent-encoded).</summary>
    public static string SafeKey(string value) => Uri.EscapeDataString(value);

    public static string Money(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    public static decimal Money(TableEntity entity, string property) =>
        entity.GetString(property) is { Length: > 0 } text ? decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture) : 0m;
}
