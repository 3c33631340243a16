using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>One cart line as the storefront reports it.</summary>
public sealed record CartItem(string Sku, string? Category, decimal UnitPrice, int Quantity)
{
    public decimal LineTotal => UnitPrice * Quantity;
}

/// <summary>
/// The cart a coupon is validated or reserved against: goods (items and/or their total) and the shipping fee.
/// Built through <see cref="Create"/>, which rejects inconsistent input with field errors.
/// </summary>
public sealed class Cart
{
    public const int MaxItems = 500;
    public const int MaxQuantityPerItem = 10_000;

    private Cart(decimal goodsTotal, IReadOnlyList<CartItem> items, decimal shippingFee)
    {
        GoodsTotal = goodsTotal;
        Items = items;
        ShippingFee = shippingFee;
    }

    /// <summary>The goods total before coupons (shipping excluded).</summary>
    public decimal GoodsTotal { get; }

    public IReadOnlyList<CartItem> Items { get; }

    public decimal ShippingFee { get; }

    /// <summary>
    /// A cart from a goods total, items, or both (then they must agree to the fen). With only a total, the cart
    /// counts as one unscoped amount: coupons restricted to categories or SKUs find no eligible items in it.
    /// </summary>
    public static Result<Cart> Create(decimal? goodsTotal, IReadOnlyList<CartItem>? items, decimal shippingFee = 0m)
    {
        var errors = new FieldErrors();
        items ??= [];
        errors.AddIf(goodsTotal is null && items.Count == 0, "cart", "Give the goods total, the items, or both.");
        errors.AddIf(items.Count > MaxItems, "cart.items", $"At most {MaxItems} items.");
        if (goodsTotal is { } total)
        {
            CouponMoney.ValidateAmount(errors, "cart.total", total, allowZero: true);
        }

        CouponMoney.ValidateAmount(errors, "cart.shippingFee", shippingFee, allowZero: true);
        for (var i = 0; i < Math.Min(items.Count, MaxItems); i++)
        {
            var item = items[i];
            var field = $"cart.items[{i}]";
            if (item is null)
            {
                errors.Add(field, "Is required.");
                continue;
            }

            errors.AddIf(
                string.IsNullOrWhiteSpace(item.Sku) || item.Sku.Length > CouponScope.MaxEntryLength,
                $"{field}.sku",
                $"Is required, at most {CouponScope.MaxEntryLength} characters.");
            errors.AddIf(item.Category is { Length: > CouponScope.MaxEntryLength }, $"{field}.category", $"At most {CouponScope.MaxEntryLength} characters.");
            CouponMoney.ValidateAmount(errors, $"{field}.unitPrice", item.UnitPrice, allowZero: true);
            errors.AddIf(item.Quantity is < 1 or > MaxQuantityPerItem, $"{field}.quantity", $"Must be between 1 and {MaxQuantityPerItem}.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem()!;
        }

        var itemsTotal = items.Sum(i => i.LineTotal);
        if (goodsTotal is { } given && items.Count > 0 && given != itemsTotal)
        {
            return Problem.Validation("cart.total", "Does not equal the sum of the items.");
        }

        return new Cart(goodsTotal ?? itemsTotal, [.. items], shippingFee);
    }

    /// <summary>The part of the goods total a coupon with this scope applies to.</summary>
    public decimal EligibleSubtotal(CouponScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (scope.IsEverything)
        {
            return GoodsTotal;
        }

        return Items.Where(scope.Includes).Sum(i => i.LineTotal);
    }
}
