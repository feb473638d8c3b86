using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Orders;

namespace HeadlessShop.Api.Admin;

/// <summary>Staff queries. Every field here is admin-only (see <see cref="AdminOnly"/>).</summary>
internal sealed class AdminQueryFields : IQueryFields
{
    public void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<OrderConnectionGraphType>>("orders")
            .Description("Staff: every order, newest first, optionally filtered.")
            .Argument<IntGraphType>("first", $"Page size (0-{PageRequest.MaxSize}, default {PageRequest.DefaultSize}).")
            .Argument<StringGraphType>("after", "Cursor to continue from.")
            .Argument<OrderFilterInputGraphType>("filter")
            .Resolve().WithService<AdminQueries>()
            .ResolveAsync(async (ctx, admin) =>
                await admin.OrdersAsync(ctx.GetArgument<AdminOrderFilter?>("filter") ?? new AdminOrderFilter(), PageRequest.From(ctx), ctx.CancellationToken))
            .RequiresAdmin();

        query.Field<NonNullGraphType<CustomerConnectionGraphType>>("customers")
            .Description("Staff: customers, newest first; `query` matches email or name (case-insensitive substring).")
            .Argument<IntGraphType>("first", $"Page size (0-{PageRequest.MaxSize}, default {PageRequest.DefaultSize}).")
            .Argument<StringGraphType>("after", "Cursor to continue from.")
            .Argument<StringGraphType>("query")
            .Resolve().WithService<AdminQueries>()
            .ResolveAsync(async (ctx, admin) => await admin.CustomersAsync(ctx.GetArgument<string?>("query"), PageRequest.From(ctx), ctx.CancellationToken))
            .RequiresAdmin();
    }
}

/// <summary>Staff mutations: catalog edits and stock adjustments. Every field here is admin-only.</summary>
internal sealed class AdminMutationFields : IMutationFields
{
    public void AddTo(ObjectGraphType mutation)
    {
        Catalog<ProductPayloadGraphType, ProductCreateInputGraphType, ProductCreateInput>(mutation, "productCreate",
            "Staff: creates a product, optionally with options, variants (and their initial stock) and collections.",
            async (admin, input, ct) => await admin.CreateProductAsync(input, ct));
        Catalog<ProductPayloadGraphType, ProductUpdateInputGraphType, ProductUpdateInput>(mutation, "productUpdate",
            "Staff: changes a product's fields; left-out fields stay.", async (admin, input, ct) => await admin.UpdateProductAsync(input, ct));
        Catalog<ProductDeletePayloadGraphType, ProductDeleteInputGraphType, DeleteInput>(mutation, "productDelete",
            "Staff: soft-deletes a product: it leaves the storefront and search; orders keep their lines.",
            async (admin, input, ct) => await admin.DeleteProductAsync(input, ct));
        Catalog<VariantPayloadGraphType, VariantCreateInputGraphType, VariantCreateInput>(mutation, "variantCreate",
            "Staff: adds a variant to a product.", async (admin, input, ct) => await admin.CreateVariantAsync(input, ct));
        Catalog<VariantPayloadGraphType, VariantUpdateInputGraphType, VariantUpdateInput>(mutation, "variantUpdate",
            "Staff: changes a variant's SKU, name, price or options; carts price it anew at once.", async (admin, input, ct) => await admin.UpdateVariantAsync(input, ct));
        Catalog<VariantDeletePayloadGraphType, VariantDeleteInputGraphType, DeleteInput>(mutation, "variantDelete",
            "Staff: removes a variant (refused while unpaid orders reserve it); orders keep their lines.",
            async (admin, input, ct) => await admin.DeleteVariantAsync(input, ct));
        Catalog<CategoryPayloadGraphType, CategoryCreateInputGraphType, CategoryInput>(mutation, "categoryCreate",
            "Staff: adds a category to the tree.", async (admin, input, ct) => await admin.SaveCategoryAsync(input, ct));
        Catalog<CategoryPayloadGraphType, CategoryUpdateInputGraphType, CategoryInput>(mutation, "categoryUpdate",
            "Staff: renames or moves a category (never under itself or its descendants).", async (admin, input, ct) => await admin.SaveCategoryAsync(input, ct));
        Catalog<CategoryDeletePayloadGraphType, CategoryDeleteInputGraphType, DeleteInput>(mutation, "categoryDelete",
            "Staff: deletes a category without subcategories; its products lose the category.", async (admin, input, ct) => await admin.DeleteCategoryAsync(input, ct));
        Catalog<CollectionPayloadGraphType, CollectionCreateInputGraphType, CollectionInput>(mutation, "collectionCreate",
            "Staff: creates a collection.", async (admin, input, ct) => await admin.SaveCollectionAsync(input, ct));
        Catalog<CollectionPayloadGraphType, CollectionUpdateInputGraphType, CollectionInput>(mutation, "collectionUpdate",
            "Staff: renames a collection or changes its slug.", async (admin, input, ct) => await admin.SaveCollectionAsync(input, ct));
        Catalog<CollectionDeletePayloadGraphType, CollectionDeleteInputGraphType, DeleteInput>(mutation, "collectionDelete",
            "Staff: deletes a collection (its products stay).", async (admin, input, ct) => await admin.DeleteCollectionAsync(input, ct));
        Catalog<CollectionPayloadGraphType, CollectionProductsInputGraphType, CollectionProductsInput>(mutation, "collectionAddProducts",
            "Staff: appends products to a collection.", async (admin, input, ct) => await admin.ChangeMembersAsync(input, add: true, ct));
        Catalog<CollectionPayloadGraphType, CollectionProductsInputGraphType, CollectionProductsInput>(mutation, "collectionRemoveProducts",
            "Staff: takes products out of a collection.", async (admin, input, ct) => await admin.ChangeMembersAsync(input, add: false, ct));

        mutation.Field<NonNullGraphType<StockAdjustPayloadGraphType>>("stockAdjust")
            .Description("Staff: changes a variant's units on hand by a delta or to a counted value, with an audit row. Never below reserved.")
            .Argument<NonNullGraphType<StockAdjustInputGraphType>>("input")
            .Resolve().WithService<StockAdjustments>()
            .ResolveAsync(async (ctx, stock) => await stock.AdjustAsync(ctx.GetArgument<StockAdjustInput>("input"), ctx.CancellationToken))
            .RequiresAdmin();
    }

    private static void Catalog<TPayload, TInput, TValue>(
        ObjectGraphType mutation, string name, string description, Func<CatalogAdministration, TValue, CancellationToken, Task<object>> run)
        where TPayload : IGraphType
        where TInput : IInputObjectGraphType
    {
        mutation.Field<NonNullGraphType<TPayload>>(name)
            .Description(description)
            .Argument<NonNullGraphType<TInput>>("input")
            .Resolve().WithService<CatalogAdministration>()
            .ResolveAsync(async (ctx, admin) => await run(admin, ctx.GetArgument<TValue>("input"), ctx.CancellationToken))
            .RequiresAdmin();
    }
}
