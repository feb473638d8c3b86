using HeadlessShop.Api.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Catalog;

/// <summary>Events catalog edits publish, so search indexes and caches follow every product change.</summary>
public static class CatalogEvents
{
    /// <summary>A product, one of its variants, prices, options, images or memberships changed, or it was deleted.</summary>
    public const string ProductChanged = "catalog.product_changed";

    /// <summary>Records, in the caller's transaction, that a product changed; consumers re-read it from the database.</summary>
    public static void EnqueueProductChanged(this DbContext db, long productId, DateTime at) =>
        db.EnqueueEvent(ProductChanged, StockEvents.KeyOf(productId), new ProductChange(productId), at);

    public sealed record ProductChange(long ProductId);
}
