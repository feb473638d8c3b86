using HeadlessShop.Api.Common;
using HeadlessShop.Api.Infrastructure.Events;
using Microsoft.Extensions.Options;

namespace HeadlessShop.Api.Catalog.Caching;

/// <summary>What a listing shows of one product, as read from the database in one go.</summary>
public sealed record ListingSnapshot(Product Product, IReadOnlyList<ProductVariant> Variants, IReadOnlyList<ProductImage> Images, Category? Category);

/// <summary>
/// This instance's copy of what product lists show per product (the product row, its variants with their stock, its
/// images and its category), so a category page costs one statement (which products are on it) instead of four.
/// <para>
/// Freshness follows the event stream, which every instance follows (<see cref="EventHub"/>): a product's catalog
/// or stock event drops its snapshot here, so a change made through any instance shows on every instance as soon
/// as its event arrives; <see cref="ProductCacheOptions.FreshFor"/> bounds the age of a snapshot should an event
/// ever be lost, and while the hub has lost the stream nothing is served from here at all.
/// </para>
/// <para>
/// Races: every product maps to one of <see cref="Stripes"/> invalidation counters. A reader takes the counter
/// before it reads the database and stores its snapshot only if the counter has not moved, checking again after
/// the store, so a slow reader can never put back a snapshot older than an invalidation it raced with.
/// </para>
/// Snapshots are shared by concurrent requests: nothing may modify the entities they hold.
/// </summary>
public sealed class ListingSnapshotCache(IOptions<ProductCacheOptions> options, TimeProvider time) : IEventObserver
{
    internal const int Stripes = 1024;

    private readonly BoundedCache<long, ListingSnapshot> _entries = new(time);
    private readonly long[] _stamps = new long[Stripes];

    // Until the hub follows the stream (and whenever it has lost it) nothing would invalidate: serve nothing.
    private volatile bool _following;

    /// <summary>Snapshots held now (metrics, tests).</summary>
    public int Count => _entries.Count;

    private bool Enabled => _following && options.Value.Enabled && options.Value.ListingEntries > 0;

    public bool TryGet(long productId, out ListingSnapshot snapshot)
    {
        if (Enabled && _entries.TryGet(productId, out var held))
        {
            snapshot = held;
            return true;
        }
        snapshot = null!;
        return false;
    }

    /// <summary>Taken before reading <paramref name="productId"/> from the database; pass it to <see cref="TryStore"/>.</summary>
    public long Stamp(long productId) => Volatile.Read(ref _stamps[Stripe(productId)]);

    /// <summary>Keeps the snapshot unless its product was invalidated since <paramref name="stamp"/>; true when kept.</summary>
    public bool TryStore(ListingSnapshot snapshot, long stamp)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var id = snapshot.Product.Id;
        if (!Enabled || Stamp(id) != stamp)
        {
            return false;
        }
        var undo = _entries.Set(id, snapshot, options.Value.FreshFor, options.Value.ListingEntries);
        // An invalidation between the check above and the store bumped the stamp before removing: undo ours.
        if (Stamp(id) != stamp)
        {
            undo();
            return false;
        }
        return true;
    }

    /// <summary>The product or its stock changed: its snapshot goes, and readers that started before cannot store theirs.</summary>
    public void Invalidate(long productId)
    {
        Interlocked.Increment(ref _stamps[Stripe(productId)]);
        _entries.Remove(productId);
    }

    /// <summary>Everything goes (the stream was lost or followed anew, so some invalidations may be missing).</summary>
    public void Clear()
    {
        for (var i = 0; i < Stripes; i++)
        {
            Interlocked.Increment(ref _stamps[i]);
        }
        _entries.Clear();
    }

    void IEventObserver.OnFollowing(bool following)
    {
        // Whichever way it changed, what is held may have missed events: start empty.
        _following = following;
        Clear();
    }

    void IEventObserver.OnEvent(EventEnvelope envelope)
    {
        if (envelope.Type is not (CatalogEvents.ProductChanged or StockEvents.AvailabilityChanged))
        {
            return;
        }
        if (StockEvents.ProductIdOf(envelope.Key) is { } productId)
        {
            Invalidate(productId);
        }
    }

    private static int Stripe(long productId) => (int)((ulong)productId % Stripes);
}
