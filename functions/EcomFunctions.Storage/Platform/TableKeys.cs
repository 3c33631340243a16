namespace EcomFunctions.Storage;

/// <summary>
/// What may be a PartitionKey or RowKey. Ids that come from callers (member ids, order ids, codes) are checked before
/// they reach a table: Azure answers 400 for these characters and Azurite even 500, neither of which a client should
/// see for "no such thing".
/// </summary>
public static class TableKeys
{
    public const int MaxLength = 512;

    public static bool IsValid(string? key) =>
        !string.IsNullOrEmpty(key) && key.Length <= MaxLength &&
        !key.AsSpan().ContainsAny(['/', '\\', '#', '?']) && !key.Any(char.IsControl);
}
