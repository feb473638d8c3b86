using HeadlessShop.Api.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Catalog;

/// <summary>The events stock changes publish, keyed by product so a product page can follow all its variants.</summary>
public static class StockEvents
{
    public const string AvailabilityChanged = "stock.availability_changed";

    private const string KeyPrefix = "product:";

    public static string KeyOf(long productId) => KeyPrefix + productId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The product a catalog or stock event is about, from its key; null for any other key.</summary>
    public static long? ProductIdOf(string key) =>
        key.StartsWith(KeyPrefix, StringComparison.Ordinal)
        && long.TryParse(key.AsSpan(KeyPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? id
            : null;

    /// <summary>Records, in the caller's transaction, that a variant's sellable quantity changed.</summary>
    public static void EnqueueAvailabilityChanged(this DbContext db, long productId, long variantId, DateTime at) =>
        db.EnqueueEvent(AvailabilityChanged, KeyOf(productId), new AvailabilityChange(variantId), at);

    public sealed record AvailabilityChange(long VariantId);
}
