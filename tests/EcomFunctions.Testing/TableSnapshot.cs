using Azure.Data.Tables;

namespace EcomFunctions.Testing;

/// <summary>
/// Every row of every table in a storage account, by key with its content, so a test can prove that a request
/// changed nothing. Meant for a private Azurite: on a shared account other tests' writes show up.
/// </summary>
public sealed class TableSnapshot
{
    private readonly Dictionary<string, string> rows;

    private TableSnapshot(Dictionary<string, string> rows) => this.rows = rows;

    /// <summary>Row count over the tables taken.</summary>
    public int Count => rows.Count;

    /// <param name="excludedTables">Tables legitimately written on any request (say why at the call site).</param>
    public static async Task<TableSnapshot> TakeAsync(string connectionString, IReadOnlyCollection<string> excludedTables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(excludedTables);
        var service = new TableServiceClient(connectionString);
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var table in service.QueryAsync(cancellationToken: cancellationToken))
        {
            if (excludedTables.Contains(table.Name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            var client = service.GetTableClient(table.Name);
            await foreach (var entity in client.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
            {
                // Content, not the ETag: rewriting a row with the same values (an idempotent index refresh) changes nothing.
                rows[$"{table.Name}|{entity.PartitionKey}|{entity.RowKey}"] = string.Join("|", entity
                    .Where(p => p.Key is not ("Timestamp" or "odata.etag"))
                    .OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => $"{p.Key}={(p.Value is DateTimeOffset at ? at.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture))}"));
            }
        }

        return new TableSnapshot(rows);
    }

    /// <summary>What changed since <paramref name="before"/>: "+table|pk|rk" added, "-…" deleted, "~…" changed.</summary>
    public IReadOnlyList<string> ChangesSince(TableSnapshot before)
    {
        ArgumentNullException.ThrowIfNull(before);
        var changes = new List<string>();
        foreach (var (key, etag) in rows)
        {
            if (!before.rows.TryGetValue(key, out var old))
            {
                changes.Add("+" + key);
            }
            else if (old != etag)
            {
                changes.Add("~" + key);
            }
        }

        changes.AddRange(before.rows.Keys.Where(k => !rows.ContainsKey(k)).Select(k => "-" + k));
        return changes;
    }
}
