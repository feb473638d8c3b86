using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Catalog.Caching;
using HeadlessShop.Api.Infrastructure.Events;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HeadlessShop.Api.Tests.Catalog;

/// <summary>The per-instance listing snapshots on their own: what is served, when it goes, and the reader race.</summary>
public sealed class ListingSnapshotCacheTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private ListingSnapshotCache Following(int entries = 100)
    {
        var cache = new ListingSnapshotCache(Options.Create(new ProductCacheOptions { ListingEntries = entries, FreshFor = TimeSpan.FromMinutes(5) }), _time);
        ((IEventObserver)cache).OnFollowing(true);
        return cache;
    }

    private static ListingSnapshot Snapshot(long id, string name = "Storm Coat") =>
        new(new Product { Id = id, Slug = "p-" + id, Name = name }, [], [], null);

    private static EventEnvelope Event(string type, string key) => new("1-0", type, key, "{}", DateTimeOffset.UnixEpoch);

    [Fact]
    public void A_stored_snapshot_is_served_until_its_product_is_invalidated()
    {
        var cache = Following();
        Assert.True(cache.TryStore(Snapshot(7), cache.Stamp(7)));
        Assert.True(cache.TryGet(7, out var served));
        Assert.Equal("Storm Coat", served.Product.Name);

        cache.Invalidate(7);

        Assert.False(cache.TryGet(7, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void A_reader_that_started_before_an_invalidation_cannot_store_its_older_rows()
    {
        var cache = Following();
        var stamp = cache.Stamp(7);          // the reader is about to read the database
        cache.Invalidate(7);                 // a change commits and its event arrives meanwhile
        Assert.False(cache.TryStore(Snapshot(7, "old name"), stamp));
        Assert.False(cache.TryGet(7, out _));

        Assert.True(cache.TryStore(Snapshot(7, "new name"), cache.Stamp(7)));
        Assert.True(cache.TryGet(7, out var fresh));
        Assert.Equal("new name", fresh.Product.Name);
    }

    [Fact]
    public void Catalog_and_stock_events_of_a_product_drop_its_snapshot_and_other_events_do_not()
    {
        var cache = Following();
        IEventObserver observer = cache;
        foreach (var id in new long[] { 1, 2, 3 })
        {
            Assert.True(cache.TryStore(Snapshot(id), cache.Stamp(id)));
        }

        observer.OnEvent(Event(CatalogEvents.ProductChanged, "product:1"));
        observer.OnEvent(Event(StockEvents.AvailabilityChanged, "product:2"));
        observer.OnEvent(Event("order.status_changed", "order:3"));
        observer.OnEvent(Event(CatalogEvents.ProductChanged, "product:not-a-number"));

        Assert.False(cache.TryGet(1, out _));
        Assert.False(cache.TryGet(2, out _));
        Assert.True(cache.TryGet(3, out _));
    }

    [Fact]
    public void Nothing_is_served_or_kept_while_the_hub_does_not_follow_the_stream()
    {
        var cache = new ListingSnapshotCache(Options.Create(new ProductCacheOptions()), _time);
        Assert.False(cache.TryStore(Snapshot(1), cache.Stamp(1)));

        IEventObserver observer = cache;
        observer.OnFollowing(true);
        Assert.True(cache.TryStore(Snapshot(1), cache.Stamp(1)));
        var stampBeforeLoss = cache.Stamp(2);

        observer.OnFollowing(false);     // the stream is lost: invalidations would be missed
        Assert.False(cache.TryGet(1, out _));
        Assert.Equal(0, cache.Count);

        observer.OnFollowing(true);      // following again, from the new tail
        Assert.False(cache.TryGet(1, out _));
        // A reader that began before the loss must not store what it read then.
        Assert.False(cache.TryStore(Snapshot(2), stampBeforeLoss));
    }

    [Fact]
    public void A_snapshot_older_than_fresh_for_is_not_served()
    {
        var cache = Following();
        Assert.True(cache.TryStore(Snapshot(5), cache.Stamp(5)));
        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.True(cache.TryGet(5, out _));
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.False(cache.TryGet(5, out _));
    }

    [Fact]
    public void The_cache_stays_within_its_entry_limit()
    {
        var cache = Following(entries: 50);
        for (long id = 1; id <= 500; id++)
        {
            cache.TryStore(Snapshot(id), cache.Stamp(id));
            Assert.InRange(cache.Count, 1, 50);
        }
        Assert.True(cache.TryGet(500, out _));
    }

    [Fact]
    public void Zero_entries_turns_the_snapshots_off()
    {
        var cache = Following(entries: 0);
        Assert.False(cache.TryStore(Snapshot(1), cache.Stamp(1)));
        Assert.False(cache.TryGet(1, out _));
    }

    [Fact]
    public async Task Concurrent_readers_and_invalidations_never_leave_a_snapshot_older_than_the_last_invalidation()
    {
        // Each writer "reads the database" (takes the version under the same lock the change uses), then stores;
        // the invalidator changes the version and invalidates. At the end the cache holds either nothing or the
        // latest version for every product.
        var cache = Following(entries: 10_000);
        var versions = new long[16];
        var gate = new object();
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(() =>
        {
            var random = new Random(r);
            for (var i = 0; i < 20_000; i++)
            {
                var id = random.Next(versions.Length);
                var stamp = cache.Stamp(id);
                long version;
                lock (gate)
                {
                    version = versions[id];
                }
                cache.TryStore(Snapshot(id, version.ToString(System.Globalization.CultureInfo.InvariantCulture)), stamp);
            }
        })).ToList();
        var writer = Task.Run(() =>
        {
            var random = new Random(99);
            for (var i = 0; i < 20_000; i++)
            {
                var id = random.Next(versions.Length);
                lock (gate)
                {
                    versions[id]++;
                }
                cache.Invalidate(id);
            }
        });
        await Task.WhenAll([.. readers, writer]);

        for (var id = 0; id < versions.Length; id++)
        {
            if (cache.TryGet(id, out var snapshot))
            {
                Assert.Equal(versions[id].ToString(System.Globalization.CultureInfo.InvariantCulture), snapshot.Product.Name);
            }
        }
    }
}
