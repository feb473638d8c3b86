using HeadlessShop.Api.Admin;
using HeadlessShop.Api.Tests.Carts;
using HeadlessShop.Api.Tests.Checkout;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Tests.Admin;

public sealed class StockAdjustTests(AdminFactory factory) : IClassFixture<AdminFactory>
{
    [Fact]
    public async Task Twenty_concurrent_plus_one_adjustments_raise_on_hand_by_exactly_twenty_with_twenty_audit_rows()
    {
        var (variantId, key, _) = await factory.VariantAsync(5, onHand: 7);
        var admin = await factory.AdminAsync();
        using var start = new ManualResetEventSlim();
        var calls = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await admin.GraphQLAsync(AdminDocuments.StockAdjust, new { i = new { variantId, delta = 1, reason = $"restock parcel {i}" } });
        })).ToList();
        start.Set();
        var responses = await Task.WhenAll(calls);

        Assert.All(responses, r => Assert.Empty(r.Payload("stockAdjust")["userErrors"]!.AsArray()));
        Assert.Equal((27, 0), await factory.StockAsync(key));
        var audit = await factory.DbAsync(db => db.Set<StockAdjustment>().Where(a => a.VariantId == key).ToListAsync());
        Assert.Equal(20, audit.Count);
        Assert.All(audit, a => Assert.Equal(1, a.Delta));
        // Each adjustment saw its own resulting on hand: the writes serialized, none overwrote another.
        Assert.Equal(Enumerable.Range(8, 20), audit.Select(a => a.OnHandAfter).Order());
        Assert.All(audit, a => Assert.NotNull(a.AdjustedBy));
    }

    [Fact]
    public async Task On_hand_never_drops_below_reserved_and_a_refusal_changes_nothing()
    {
        var (variantId, key, _) = await factory.VariantAsync(6, onHand: 5);
        await factory.DbAsync(db => db.StockLevels.Where(s => s.VariantId == key).ExecuteUpdateAsync(s => s.SetProperty(x => x.Reserved, 4)));
        var admin = await factory.AdminAsync();

        var tooFar = (await admin.GraphQLAsync(AdminDocuments.StockAdjust, new { i = new { variantId, delta = -2, reason = "damaged" } })).Payload("stockAdjust");
        var belowReserved = (await admin.GraphQLAsync(AdminDocuments.StockAdjust, new { i = new { variantId, onHand = 3, reason = "count" } })).Payload("stockAdjust");
        var both = (await admin.GraphQLAsync(AdminDocuments.StockAdjust, new { i = new { variantId, delta = 1, onHand = 3, reason = "count" } })).Payload("stockAdjust");
        var noReason = (await admin.GraphQLAsync(AdminDocuments.StockAdjust, new { i = new { variantId, delta = 1, reason = " " } })).Payload("stockAdjust");

        Assert.Equal(["input.delta"], tooFar.ErrorFields());
        Assert.Equal(["input.onHand"], belowReserved.ErrorFields());
        Assert.Equal(["INVALID_INPUT"], both.ErrorCodes());
        Assert.Equal(["input.reason"], noReason.ErrorFields());
        Assert.Equal((5, 4), await factory.StockAsync(key));
        Assert.Equal(0, await factory.DbAsync(db => db.Set<StockAdjustment>().CountAsync(a => a.VariantId == key)));

        var counted = (await admin.GraphQLAsync(AdminDocuments.StockAdjust, new { i = new { variantId, onHand = 4, reason = "stock count" } })).Payload("stockAdjust");
        Assert.Empty(counted["userErrors"]!.AsArray());
        Assert.Equal((-1, 4, 0), (counted["adjustment"]!["delta"]!.GetValue<int>(), counted["adjustment"]!["onHand"]!.GetValue<int>(),
            counted["variant"]!["quantityAvailable"]!.GetValue<int>()));
        Assert.Equal((4, 4), await factory.StockAsync(key));
    }

    [Fact]
    public async Task Stock_adjustments_write_an_availability_event()
    {
        var (variantId, key, _) = await factory.VariantAsync(7, onHand: 1);
        var admin = await factory.AdminAsync();
        var before = await factory.DbAsync(db => db.Set<global::HeadlessShop.Api.Infrastructure.Events.OutboxMessage>().CountAsync(m => m.Type == global::HeadlessShop.Api.Catalog.StockEvents.AvailabilityChanged && m.Payload.Contains(key.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var adjusted = (await admin.GraphQLAsync(AdminDocuments.StockAdjust, new { i = new { variantId, delta = 3, reason = "returns" } })).Payload("stockAdjust");

        Assert.Empty(adjusted["userErrors"]!.AsArray());
        var after = await factory.DbAsync(db => db.Set<global::HeadlessShop.Api.Infrastructure.Events.OutboxMessage>().CountAsync(m => m.Type == global::HeadlessShop.Api.Catalog.StockEvents.AvailabilityChanged && m.Payload.Contains(key.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(before + 1, after);
    }
}
