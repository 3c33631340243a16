using System.Collections.Concurrent;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;

namespace EcomFunctions.Storage;

/// <summary>
/// How to reach the storage account: a connection string (Azurite locally: <c>UseDevelopmentStorage=true</c> or an
/// explicit endpoint string), or, in Azure, an account name reached with a managed identity (no keys anywhere).
/// Mirrors the Functions host's <c>AzureWebJobsStorage</c> / <c>AzureWebJobsStorage__accountName</c> settings.
/// </summary>
public sealed record StorageConnection(string? ConnectionString, string? AccountName = null, string? ClientId = null)
{
    public static StorageConnection FromSettings(Func<string, string?> setting, string name = "AzureWebJobsStorage")
    {
        ArgumentNullException.ThrowIfNull(setting);
        var connectionString = setting(name);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new StorageConnection(connectionString);
        }

        var account = setting($"{name}:accountName") ?? setting($"{name}__accountName");
        if (string.IsNullOrWhiteSpace(account))
        {
            throw new InvalidOperationException(
                $"Storage is not configured: set '{name}' (a connection string, e.g. UseDevelopmentStorage=true) or '{name}__accountName'.");
        }

        return new StorageConnection(null, account, setting($"{name}:clientId") ?? setting($"{name}__clientId"));
    }
}

/// <summary>
/// The App's table and queue clients. Tables and queues are created on first use (once per process), so a fresh
/// Azurite or a new environment needs no setup step; in Azure the Bicep also declares them.
/// Queue messages are Base64-encoded: that is the Functions queue trigger's default encoding.
/// </summary>
public sealed class StorageClients
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<QueueClient>>> queues = new(StringComparer.Ordinal);

    public StorageClients(StorageConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        if (!string.IsNullOrWhiteSpace(connection.ConnectionString))
        {
            TableService = new TableServiceClient(connection.ConnectionString);
            QueueService = new QueueServiceClient(connection.ConnectionString, queueOptions);
        }
        else
        {
            TokenCredential credential = string.IsNullOrWhiteSpace(connection.ClientId)
                ? new DefaultAzureCredential()
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(connection.ClientId));
            TableService = new TableServiceClient(new Uri($"https://{connection.AccountName}.table.core.windows.net"), credential);
            QueueService = new QueueServiceClient(new Uri($"https://{connection.AccountName}.queue.core.windows.net"), credential, queueOptions);
        }
    }

    public TableServiceClient TableService { get; }

    public QueueServiceClient QueueService { get; }

    /// <summary>The table, created if it does not exist yet.</summary>
    public Task<TableClient> TableAsync(string name, CancellationToken cancellationToken = default) =>
        GetOrCreate(tables, name, async () =>
        {
            var client = TableService.GetTableClient(name);
            await client.CreateIfNotExistsAsync(cancellationToken);
            return client;
        });

    /// <summary>The queue, created if it does not exist yet.</summary>
    public Task<QueueClient> QueueAsync(string name, CancellationToken cancellationToken = default) =>
        GetOrCreate(queues, name, async () =>
        {
            var client = QueueService.GetQueueClient(name);
            await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            return client;
        });

    private static async Task<T> GetOrCreate<T>(ConcurrentDictionary<string, Lazy<Task<T>>> cache, string name, Func<Task<T>> create)
    {
        var lazy = cache.GetOrAdd(name, _ => new Lazy<Task<T>>(create, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return await lazy.Value;
        }
        catch
        {
            // A failed creation (storage briefly unavailable) must not be cached forever: the next call tries again.
            cache.TryRemove(new KeyValuePair<string, Lazy<Task<T>>>(name, lazy));
            throw;
        }
    }
}
