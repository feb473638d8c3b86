using System.Text.Json.Nodes;
using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Catalog.Caching;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Infrastructure.Events;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Catalog;

public sealed class ListingSnapshotFactory : ShopApiFactory;

/// <summary>
/// Listings through the per-instance snapshots on PostgreSQL and Redis: a warm page costs one statement, and changes
/// committed by anyone (here: straight to the database with their outbox event, as another instance would) show on
/// the next page once their event has passed this instance's hub.
/// </summary>
public sealed class ListingSnapshotTests(ListingSnapshotFactory factory) : IClassFixture<ListingSnapshotFactory>
{
    private const string Listing = """
        query($n: Int!) { products(first: $n) { nodes { id name availableForSale priceRange { min { amount } }
          images { url } category { name } variants { id price { amount } quantityAvailable } } } }
        """;

    private ListingSnapshotCache Cache => factory.Services.GetRequiredService<ListingSnapshotCache>();

    private async Task<(JsonArray Nodes, int Statements)> ListAsync(int n = 10)
    {
        var response = await factory.CreateClient().GraphQLAsync(Listing, new { n });
        return (response.OkData()["products"]!["nodes"]!.AsArray(), response.SqlStatements);
    }

    /// <summary>Commits <paramref name="change"/> with its outbox event and returns once the hub has dispatched the event.</summary>
    private async Task CommitElsewhereAsync(long productId, Func<ShopDbContext, Task> change)
    {
        await using var next = await NextEvent.ListenAsync(factory.Services.GetRequiredService<EventHub>(), StockEvents.KeyOf(productId));
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await change(db);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        factory.Services.GetRequiredService<OutboxSignal>().Notify();
        // Observers run before subscribers on the hub's loop: when the event reaches us, the snapshot is gone.
        await next.ArrivedAsync();
    }

    private static long IdOf(JsonNode node) => GlobalId.Decode(node["id"]!.GetValue<string>(), NodeKind.Product, "id");

    [Fact]
    public async Task A_repeated_listing_costs_one_statement_and_answers_the_same()
    {
        await factory.Services.GetRequiredService<EventHub>().Ready;
        Cache.Clear();
        var (cold, coldStatements) = await ListAsync();
        var (warm, warmStatements) = await ListAsync();

        Assert.InRange(coldStatements, 2, 6);
        Assert.Equal(1, warmStatements);
        Assert.Equal(cold.ToJsonString(), warm.ToJsonString());
        Assert.All(warm, node => Assert.NotEmpty(node!["variants"]!.AsArray()));
    }

    [Fact]
    public async Task A_stock_change_committed_elsewhere_shows_in_the_next_listing()
    {
        var (before, _) = await ListAsync();
        await ListAsync();
        var node = before[3]!;
        var productId = IdOf(node);
        var variantId = GlobalId.Decode(node["variants"]![0]!["id"]!.GetValue<string>(), NodeKind.ProductVariant, "id");
        var onHand = node["variants"]![0]!["quantityAvailable"]!.GetValue<int>() + 17;

        await CommitElsewhereAsync(productId, async db =>
        {
            await db.StockLevels.Where(s => s.VariantId == variantId)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.OnHand, onHand).SetProperty(x => x.Reserved, 0).SetProperty(x => x.Version, x => x.Version + 1));
            db.EnqueueAvailabilityChanged(productId, variantId, DateTime.UtcNow);
        });

        var (after, statements) = await ListAsync();
        var changed = after.Single(n => IdOf(n!) == productId)!;
        Assert.Equal(onHand, changed["variants"]![0]!["quantityAvailable"]!.GetValue<int>());
        // Only that product was read again; the other nine still came from their snapshots.
        Assert.InRange(statements, 2, 6);
        var (again, warmStatements) = await ListAsync();
        Assert.Equal(1, warmStatements);
        Assert.Equal(after.ToJsonString(), again.ToJsonString());
    }

    [Fact]
    public async Task A_price_change_committed_elsewhere_shows_in_the_next_listing()
    {
        var (before, _) = await ListAsync();
        await ListAsync();
        var productId = IdOf(before[5]!);
        const long price = 123_45;

        await CommitElsewhereAsync(productId, async db =>
        {
            await db.ProductVariants.Where(v => v.ProductId == productId).ExecuteUpdateAsync(s => s.SetProperty(v => v.PriceMinor, price));
            await db.Products.Where(p => p.Id == productId)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.PriceMinMinor, price).SetProperty(p => p.PriceMaxMinor, price));
            db.EnqueueProductChanged(productId, DateTime.UtcNow);
        });

        var (after, _) = await ListAsync();
        var changed = after.Single(n => IdOf(n!) == productId)!;
        Assert.Equal("123.45", changed["priceRange"]!["min"]!["amount"]!.GetValue<string>());
        Assert.All(changed["variants"]!.AsArray(), v => Assert.Equal("123.45", v!["price"]!["amount"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Which_products_are_on_a_page_is_always_read_live_even_with_warm_snapshots()
    {
        var (before, _) = await ListAsync(12);
        await ListAsync(12);
        var hidden = IdOf(before[2]!);
        // No event at all: the page query alone must keep a deleted product off the page.
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            await db.Products.Where(p => p.Id == hidden).ExecuteUpdateAsync(s => s.SetProperty(p => p.DeletedAt, DateTime.UtcNow));
        }
        try
        {
            var (after, _) = await ListAsync(12);
            Assert.DoesNotContain(after, n => IdOf(n!) == hidden);
            Assert.Equal(12, after.Count);
        }
        finally
        {
            await using var db = await contexts.CreateDbContextAsync();
            await db.Products.Where(p => p.Id == hidden).ExecuteUpdateAsync(s => s.SetProperty(p => p.DeletedAt, (DateTime?)null));
        }
    }
}
