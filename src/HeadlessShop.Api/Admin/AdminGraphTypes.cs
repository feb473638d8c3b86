using GraphQL.MicrosoftDI;
using GraphQL.Types;
using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Customers;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Orders;

namespace HeadlessShop.Api.Admin;

internal static class InputValues
{
    public static string? Text(this IDictionary<string, object?> value, string key) =>
        value.TryGetValue(key, out var x) ? x?.ToString() : null;

    public static T? Get<T>(this IDictionary<string, object?> value, string key) =>
        value.TryGetValue(key, out var x) && x is T typed ? typed : default;

    public static int? Int(this IDictionary<string, object?> value, string key) =>
        value.TryGetValue(key, out var x) && x is int i ? i : null;

    public static List<T>? ListOf<T>(this IDictionary<string, object?> value, string key) =>
        value.TryGetValue(key, out var x) && x is IEnumerable<object?> items ? items.OfType<T>().ToList() : null;

    public static List<string>? Ids(this IDictionary<string, object?> value, string key) =>
        value.TryGetValue(key, out var x) && x is IEnumerable<object?> items ? items.Select(i => i?.ToString() ?? "").ToList() : null;

    public static VariantFields Variant(this IDictionary<string, object?> value) => new(
        value.Text("sku"),
        value.Text("name"),
        value.Get<MoneyInput>("price"),
        value.Get<MoneyInput>("compareAtPrice"),
        value.ContainsKey("compareAtPrice"),
        value.ListOf<SelectedOption>("selectedOptions"),
        value.Int("onHand"));
}

// ---------- inputs ----------

public sealed class ProductOptionInputGraphType : InputObjectGraphType<ProductOptionInput>
{
    public ProductOptionInputGraphType()
    {
        Name = "ProductOptionInput";
        Field<NonNullGraphType<StringGraphType>>("name").Description("e.g. \"Size\".");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("values").Description("In display order, e.g. [\"S\", \"M\", \"L\"].");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new ProductOptionInput(value.Text("name") ?? "", value.ListOf<string>("values") ?? []);
    }
}

public sealed class SelectedOptionInputGraphType : InputObjectGraphType<SelectedOption>
{
    public SelectedOptionInputGraphType()
    {
        Name = "SelectedOptionInput";
        Field<NonNullGraphType<StringGraphType>>("name");
        Field<NonNullGraphType<StringGraphType>>("value");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new SelectedOption(value.Text("name") ?? "", value.Text("value") ?? "");
    }
}

/// <summary>The variant fields shared by productCreate's variants and variantCreate.</summary>
internal static class VariantInputFields
{
    public static void Add<T>(InputObjectGraphType<T> type, bool creating)
    {
        if (creating)
        {
            type.Field<NonNullGraphType<StringGraphType>>("sku").Description("Unique across the catalog.");
        }
        else
        {
            type.Field<StringGraphType>("sku").Description("Unique across the catalog.");
        }
        type.Field<StringGraphType>("name").Description("Defaults to the option values (\"Red / M\") or the product name.");
        if (creating)
        {
            type.Field<NonNullGraphType<MoneyInputGraphType>>("price").Description("Minor units >= 0; every variant of a product has the same currency.");
        }
        else
        {
            type.Field<MoneyInputGraphType>("price").Description("Minor units >= 0; every variant of a product has the same currency.");
        }
        type.Field<MoneyInputGraphType>("compareAtPrice").Description("The former price, shown struck through; null clears it.");
        type.Field<ListGraphType<NonNullGraphType<SelectedOptionInputGraphType>>>("selectedOptions")
            .Description("One value of each of the product's options.");
        if (creating)
        {
            type.Field<IntGraphType>("onHand").Description("Initial stock (default 0); change it later with stockAdjust.");
        }
    }
}

public sealed class ProductVariantInputGraphType : InputObjectGraphType<VariantFields>
{
    public ProductVariantInputGraphType()
    {
        Name = "ProductVariantInput";
        Description = "A variant created together with its product.";
        VariantInputFields.Add(this, creating: true);
    }

    public override object ParseDictionary(IDictionary<string, object?> value) => (value ?? throw new ArgumentNullException(nameof(value))).Variant();
}

public sealed class ProductCreateInputGraphType : InputObjectGraphType<ProductCreateInput>
{
    public ProductCreateInputGraphType()
    {
        Name = "ProductCreateInput";
        Field<NonNullGraphType<StringGraphType>>("name");
        Field<StringGraphType>("slug").Description("Generated from the name when absent (with a numeric suffix if taken).");
        Field<StringGraphType>("description");
        Field<StringGraphType>("brand");
        Field<IdGraphType>("categoryId");
        Field<ListGraphType<NonNullGraphType<IdGraphType>>>("collectionIds");
        Field<ListGraphType<NonNullGraphType<ProductOptionInputGraphType>>>("options");
        Field<ListGraphType<NonNullGraphType<ProductVariantInputGraphType>>>("variants");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new ProductCreateInput(
            value.Text("name") ?? "",
            value.Text("slug"),
            value.Text("description"),
            value.Text("brand"),
            value.Text("categoryId"),
            value.Ids("collectionIds"),
            value.ListOf<ProductOptionInput>("options"),
            value.ListOf<VariantFields>("variants"));
    }
}

public sealed class ProductUpdateInputGraphType : InputObjectGraphType<ProductUpdateInput>
{
    public ProductUpdateInputGraphType()
    {
        Name = "ProductUpdateInput";
        Description = "Fields left out stay as they are; brand and categoryId set to null are cleared.";
        Field<NonNullGraphType<IdGraphType>>("id");
        Field<StringGraphType>("name");
        Field<StringGraphType>("slug");
        Field<StringGraphType>("description");
        Field<StringGraphType>("brand");
        Field<IdGraphType>("categoryId");
        Field<ListGraphType<NonNullGraphType<ProductOptionInputGraphType>>>("options").Description("Replaces all options; every variant must still fit them.");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new ProductUpdateInput(
            value.Text("id") ?? "",
            value.Text("name"),
            value.Text("slug"),
            value.Text("description"),
            value.Text("brand"),
            value.ContainsKey("brand"),
            value.Text("categoryId"),
            value.ContainsKey("categoryId"),
            value.ListOf<ProductOptionInput>("options"));
    }
}

public sealed class VariantCreateInputGraphType : InputObjectGraphType<VariantCreateInput>
{
    public VariantCreateInputGraphType()
    {
        Name = "VariantCreateInput";
        Field<NonNullGraphType<IdGraphType>>("productId");
        VariantInputFields.Add(this, creating: true);
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new VariantCreateInput(value.Text("productId") ?? "", value.Variant());
    }
}

public sealed class VariantUpdateInputGraphType : InputObjectGraphType<VariantUpdateInput>
{
    public VariantUpdateInputGraphType()
    {
        Name = "VariantUpdateInput";
        Description = "Fields left out stay as they are. Stock changes go through stockAdjust.";
        Field<NonNullGraphType<IdGraphType>>("id");
        VariantInputFields.Add(this, creating: false);
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new VariantUpdateInput(value.Text("id") ?? "", value.Variant());
    }
}

public abstract class DeleteInputGraphType : InputObjectGraphType<DeleteInput>
{
    protected DeleteInputGraphType(string name)
    {
        Name = name;
        Field<NonNullGraphType<IdGraphType>>("id");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new DeleteInput(value.Text("id") ?? "");
    }
}

public sealed class ProductDeleteInputGraphType() : DeleteInputGraphType("ProductDeleteInput");

public sealed class VariantDeleteInputGraphType() : DeleteInputGraphType("VariantDeleteInput");

public sealed class CategoryDeleteInputGraphType() : DeleteInputGraphType("CategoryDeleteInput");

public sealed class CollectionDeleteInputGraphType() : DeleteInputGraphType("CollectionDeleteInput");

public abstract class CategoryInputGraphType : InputObjectGraphType<CategoryInput>
{
    private readonly bool _creating;

    protected CategoryInputGraphType(bool creating)
    {
        _creating = creating;
        Name = creating ? "CategoryCreateInput" : "CategoryUpdateInput";
        if (creating)
        {
            Field<NonNullGraphType<StringGraphType>>("name");
        }
        else
        {
            Field<NonNullGraphType<IdGraphType>>("id");
            Field<StringGraphType>("name");
        }
        Field<StringGraphType>("slug").Description(creating ? "Generated from the name when absent." : null);
        Field<IdGraphType>("parentId").Description("Null or absent: a top-level category. A category never moves under itself or its descendants.");
        Field<IntGraphType>("position").Description("Order among its siblings.");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new CategoryInput(_creating ? null : value.Text("id") ?? "", value.Text("name"), value.Text("slug"), value.Text("parentId"),
            value.ContainsKey("parentId"), value.Int("position"));
    }
}

public sealed class CategoryCreateInputGraphType() : CategoryInputGraphType(creating: true);

public sealed class CategoryUpdateInputGraphType() : CategoryInputGraphType(creating: false);

public abstract class CollectionInputGraphType : InputObjectGraphType<CollectionInput>
{
    private readonly bool _creating;

    protected CollectionInputGraphType(bool creating)
    {
        _creating = creating;
        Name = creating ? "CollectionCreateInput" : "CollectionUpdateInput";
        if (creating)
        {
            Field<NonNullGraphType<StringGraphType>>("name");
        }
        else
        {
            Field<NonNullGraphType<IdGraphType>>("id");
            Field<StringGraphType>("name");
        }
        Field<StringGraphType>("slug").Description(creating ? "Generated from the name when absent." : null);
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new CollectionInput(_creating ? null : value.Text("id") ?? "", value.Text("name"), value.Text("slug"));
    }
}

public sealed class CollectionCreateInputGraphType() : CollectionInputGraphType(creating: true);

public sealed class CollectionUpdateInputGraphType() : CollectionInputGraphType(creating: false);

public sealed class CollectionProductsInputGraphType : InputObjectGraphType<CollectionProductsInput>
{
    public CollectionProductsInputGraphType()
    {
        Name = "CollectionProductsInput";
        Field<NonNullGraphType<IdGraphType>>("collectionId");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("productIds").Description($"1-{PageRequest.MaxSize} products.");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new CollectionProductsInput(value.Text("collectionId") ?? "", value.Ids("productIds") ?? []);
    }
}

public sealed class StockAdjustInputGraphType : InputObjectGraphType<StockAdjustInput>
{
    public StockAdjustInputGraphType()
    {
        Name = "StockAdjustInput";
        Description = "Exactly one of delta (relative) and onHand (absolute). On hand never drops below what unpaid orders reserve.";
        Field<NonNullGraphType<IdGraphType>>("variantId");
        Field<IntGraphType>("delta").Description("Units to add (positive) or remove (negative).");
        Field<IntGraphType>("onHand").Description("The counted units on hand.");
        Field<NonNullGraphType<StringGraphType>>("reason").Description($"For the audit trail (at most {StockAdjustments.MaxReasonLength} characters), e.g. \"stock count 2026-12\".");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new StockAdjustInput(value.Text("variantId") ?? "", value.Int("delta"), value.Int("onHand"), value.Text("reason") ?? "");
    }
}

public sealed class OrderFilterInputGraphType : InputObjectGraphType<AdminOrderFilter>
{
    public OrderFilterInputGraphType()
    {
        Name = "OrderFilter";
        Field<OrderStatusGraphType>("status");
        Field<DateTimeGraphType>("createdAfter").Description("Orders placed at or after this time.");
        Field<DateTimeGraphType>("createdBefore").Description("Orders placed before this time.");
        Field<StringGraphType>("email").Description("The buyer's email (case-insensitive, exact).");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new AdminOrderFilter(
            value.TryGetValue("status", out var status) && status is OrderStatus s ? s : null,
            value.TryGetValue("createdAfter", out var after) ? AsUtc(after) : null,
            value.TryGetValue("createdBefore", out var before) ? AsUtc(before) : null,
            value.Text("email"));
    }

    private static DateTime? AsUtc(object? value) => value switch
    {
        DateTimeOffset offset => offset.UtcDateTime,
        DateTime time => time.ToUniversalTime(),
        _ => null,
    };
}

// ---------- payloads ----------

public abstract class AdminPayloadGraphType<TGraphType, T> : ObjectGraphType<AdminResult<T>>
    where TGraphType : IGraphType
    where T : class
{
    protected AdminPayloadGraphType(string name, string field)
    {
        Name = name;
        Field<TGraphType>(field).Resolve(ctx => ctx.Source.Value);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorInterface>>>>("userErrors").Resolve(ctx => ctx.Source.UserErrors);
    }
}

public sealed class ProductPayloadGraphType() : AdminPayloadGraphType<ProductGraphType, Product>("ProductPayload", "product");

public sealed class VariantPayloadGraphType() : AdminPayloadGraphType<ProductVariantGraphType, ProductVariant>("VariantPayload", "variant");

public sealed class CategoryPayloadGraphType() : AdminPayloadGraphType<CategoryGraphType, Category>("CategoryPayload", "category");

public sealed class CollectionPayloadGraphType() : AdminPayloadGraphType<CollectionGraphType, Collection>("CollectionPayload", "collection");

public abstract class DeletePayloadGraphType : ObjectGraphType<DeleteResult>
{
    protected DeletePayloadGraphType(string name, string field)
    {
        Name = name;
        Field<IdGraphType>(field).Resolve(ctx => ctx.Source.DeletedId);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorInterface>>>>("userErrors").Resolve(ctx => ctx.Source.UserErrors);
    }
}

public sealed class ProductDeletePayloadGraphType() : DeletePayloadGraphType("ProductDeletePayload", "deletedProductId");

public sealed class VariantDeletePayloadGraphType() : DeletePayloadGraphType("VariantDeletePayload", "deletedVariantId");

public sealed class CategoryDeletePayloadGraphType() : DeletePayloadGraphType("CategoryDeletePayload", "deletedCategoryId");

public sealed class CollectionDeletePayloadGraphType() : DeletePayloadGraphType("CollectionDeletePayload", "deletedCollectionId");

public sealed class StockAdjustmentGraphType : ObjectGraphType<StockAdjustment>
{
    public StockAdjustmentGraphType()
    {
        Name = "StockAdjustment";
        Description = "One audited change of a variant's units on hand.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => GlobalId.Encode(NodeKind.StockAdjustment, ctx.Source.Id));
        Field<NonNullGraphType<IntGraphType>>("delta").Resolve(ctx => ctx.Source.Delta);
        Field<NonNullGraphType<IntGraphType>>("onHand").Description("Units on hand right after this adjustment.").Resolve(ctx => ctx.Source.OnHandAfter);
        Field(a => a.Reason);
        Field<NonNullGraphType<DateTimeGraphType>>("createdAt").Resolve(ctx => ctx.Source.CreatedAt);
        Field<CustomerGraphType>("adjustedBy").Description("The staff account that made the change.")
            .Resolve().WithService<CustomerByIdDataLoader>()
            .Resolve((ctx, loader) => ctx.Source.AdjustedBy is { } id ? loader.LoadAsync(id) : null);
    }
}

public sealed class StockAdjustPayloadGraphType : ObjectGraphType<StockAdjustResult>
{
    public StockAdjustPayloadGraphType()
    {
        Name = "StockAdjustPayload";
        Field<ProductVariantGraphType>("variant").Resolve(ctx => ctx.Source.Variant);
        Field<StockAdjustmentGraphType>("adjustment").Resolve(ctx => ctx.Source.Adjustment);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorInterface>>>>("userErrors").Resolve(ctx => ctx.Source.UserErrors);
    }
}

public sealed class CustomerConnectionGraphType() : ConnectionGraphType<CustomerGraphType, CustomerEdgeGraphType, Customer>("Customer");

public sealed class CustomerEdgeGraphType() : EdgeGraphType<CustomerGraphType, Customer>("Customer");
