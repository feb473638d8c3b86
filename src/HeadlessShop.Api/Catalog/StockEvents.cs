using HeadlessShop.Api.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Catalog;

/// <summary>The events stock changes publish, keyed by product so a product page can follow all its variants.</summary>
public static class StockEvents
{
    public const string AvailabilityChanged = "stock.availability_changed";

    public static string KeyOf(long productId) => "product:" + productId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Records, in the caller's transaction, that a variant's sellable quantity changed.</summary>
    public static void EnqueueAvailabilityChanged(this DbContext db, long productId, long variantId, DateTime at) =>
        db.EnqueueEvent(AvailabilityChanged, KeyOf(productId), new AvailabilityChange(variantId), at);

    public sealed record AvailabilityChange(long VariantId);
}
