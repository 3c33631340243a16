using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// Which cart items a coupon applies to: items whose category or SKU is listed. An empty scope means every item.
/// Minimum spend, thresholds and percentages are all evaluated on the eligible subtotal only, so a "200 off 2000
/// on electronics" coupon is not unlocked by groceries.
/// </summary>
public sealed class CouponScope : IEquatable<CouponScope>
{
    public const int MaxEntries = 200;
    public const int MaxEntryLength = 64;

    public CouponScope(IEnumerable<string>? categories = null, IEnumerable<string>? skus = null)
    {
        // Sorted and distinct so that two scopes listing the same entries compare equal.
        Categories = [.. (categories ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        Skus = [.. (skus ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public static CouponScope Everything { get; } = new();

    public IReadOnlyList<string> Categories { get; }

    public IReadOnlyList<string> Skus { get; }

    public bool IsEverything => Categories.Count == 0 && Skus.Count == 0;

    public bool Includes(CartItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return IsEverything
            || (item.Category is not null && Categories.Contains(item.Category, StringComparer.Ordinal))
            || Skus.Contains(item.Sku, StringComparer.Ordinal);
    }

    internal void Validate(FieldErrors errors, string field)
    {
        ValidateList(errors, $"{field}.categories", Categories);
        ValidateList(errors, $"{field}.skus", Skus);
    }

    private static void ValidateList(FieldErrors errors, string field, IReadOnlyList<string> entries)
    {
        errors.AddIf(entries.Count > MaxEntries, field, $"At most {MaxEntries} entries.");
        errors.AddIf(
            entries.Any(e => string.IsNullOrWhiteSpace(e) || e.Length > MaxEntryLength || e.Any(char.IsControl)),
            field,
            $"Entries must be non-blank, at most {MaxEntryLength} characters, without control characters.");
    }

    public bool Equals(CouponScope? other) =>
        other is not null && Categories.SequenceEqual(other.Categories, StringComparer.Ordinal) && Skus.SequenceEqual(other.Skus, StringComparer.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as CouponScope);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var entry in Categories)
        {
            hash.Add(entry, StringComparer.Ordinal);
        }

        hash.Add('|');
        foreach (var entry in Skus)
        {
            hash.Add(entry, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }
}
