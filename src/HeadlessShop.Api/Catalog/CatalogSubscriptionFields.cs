using System.Runtime.CompilerServices;
using System.Text.Json;
using GraphQL;
using GraphQL.Types;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Catalog;

internal sealed class CatalogSubscriptionFields : ISubscriptionFields
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void AddTo(ObjectGraphType subscription)
    {
        subscription.Field<NonNullGraphType<ProductVariantGraphType>>("productAvailabilityChanged")
            .Description("Availability changes of a product's variants (flash-sale pages).")
            .Argument<NonNullGraphType<IdGraphType>>("productId")
            .ResolveStreamAsync(async ctx =>
            {
                var productId = GlobalId.Decode(ctx.GetArgument<string>("productId"), NodeKind.Product, "productId");
                var services = ctx.RequestServices!;
                var contexts = services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
                var hub = services.GetRequiredService<EventHub>();
                await using (var db = await contexts.CreateDbContextAsync(ctx.CancellationToken))
                {
                    if (!await db.Products.AnyAsync(p => p.Id == productId, ctx.CancellationToken))
                    {
                        throw new ExecutionError($"No product with id {ctx.GetArgument<string>("productId")}.") { Code = "NOT_FOUND" };
                    }
                }
                return new AsyncEnumerableObservable<object?>(ct => ChangesAsync(hub, contexts, productId, ct));
            });
    }

    /// <summary>
    /// Every availability change of the product's variants, each read fresh from the database when it arrives (the
    /// event says which variant changed, the database says how much is left now).
    /// </summary>
    private static async IAsyncEnumerable<object?> ChangesAsync(
        EventHub hub, IDbContextFactory<ShopDbContext> contexts, long productId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var envelope in hub.SubscribeAsync(StockEvents.KeyOf(productId), cancellationToken))
        {
            if (envelope.Type != StockEvents.AvailabilityChanged
                || JsonSerializer.Deserialize<StockEvents.AvailabilityChange>(envelope.Payload, Json) is not { } change)
            {
                continue;
            }
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var variant = await db.ProductVariants.Include(v => v.Stock)
                .SingleOrDefaultAsync(v => v.Id == change.VariantId && v.ProductId == productId, cancellationToken);
            if (variant is not null)
            {
                yield return variant;
            }
        }
    }
}
