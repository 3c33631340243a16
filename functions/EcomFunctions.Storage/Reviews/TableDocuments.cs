using System.Text;
using Azure.Data.Tables;

namespace EcomFunctions.Storage.Reviews;

/// <summary>
/// JSON documents in entity properties. A string property holds at most 64 KiB (32 K UTF-16 characters), so a document
/// is split over numbered properties (<c>Doc0</c>, <c>Doc1</c>, … with <c>DocChunks</c>); a review with 2 000 escaped CJK
/// characters and nine long image URLs needs two.
/// </summary>
internal static class TableDocuments
{
    public const int ChunkChars = 30_000;

    /// <summary>An entity holds at most 1 MiB; 15 chunks of 30 000 characters (60 KB each) stay below it.</summary>
    public const int MaxChunks = 15;

    public static void Write(TableEntity entity, string name, string json)
    {
        var chunks = Math.Max(1, (json.Length + ChunkChars - 1) / ChunkChars);
        if (chunks > MaxChunks)
        {
            throw new InvalidOperationException($"Document '{name}' of {json.Length} characters does not fit in one entity.");
        }

        entity[name + "Chunks"] = chunks;
        for (var i = 0; i < chunks; i++)
        {
            var start = i * ChunkChars;
            entity[name + i] = json.Substring(start, Math.Min(ChunkChars, json.Length - start));
        }
    }

    public static string Read(TableEntity entity, string name)
    {
        var chunks = entity.GetInt32(name + "Chunks") ?? 0;
        if (chunks <= 1)
        {
            return entity.GetString(name + "0") ?? string.Empty;
        }

        var builder = new StringBuilder();
        for (var i = 0; i < chunks; i++)
        {
            builder.Append(entity.GetString(name + i));
        }

        return builder.ToString();
    }
}
