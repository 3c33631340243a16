using System.Reflection;
using EcomFunctions.Storage;

namespace EcomFunctions.Infra.Tests.Compilation;

/// <summary>
/// The table and queue names the App uses, read by reflection from the public const string fields of the partial
/// classes <see cref="TableNames"/> and <see cref="QueueNames"/>: every capability's partial file is included, and
/// there is no second list to keep in step.
/// </summary>
public static class AppStorageNames
{
    /// <summary>Constants of QueueNames that are not queue names.</summary>
    private static readonly HashSet<string> NotQueueNames = [nameof(QueueNames.PoisonSuffix)];

    public static IReadOnlyList<StorageName> Tables => Constants(typeof(TableNames), excluded: []);

    public static IReadOnlyList<StorageName> Queues => Constants(typeof(QueueNames), NotQueueNames);

    /// <summary>Every queue and its poison twin (the queue trigger parks failed messages there).</summary>
    public static IReadOnlyList<StorageName> QueuesWithPoisonTwins =>
        Queues.SelectMany(q => new[] { q, new StorageName(q.Constant + " (poison twin)", QueueNames.Poison(q.Value)) }).ToList();

    private static List<StorageName> Constants(Type type, HashSet<string> excluded) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f is { IsLiteral: true, IsInitOnly: false } && f.FieldType == typeof(string) && !excluded.Contains(f.Name))
            .Select(f => new StorageName($"{type.FullName}.{f.Name}", (string)f.GetRawConstantValue()!))
            .OrderBy(n => n.Value, StringComparer.Ordinal)
            .ToList();
}

/// <summary>A storage name and the C# constant it comes from, for assertion messages.</summary>
public sealed record StorageName(string Constant, string Value);
