using System.Text.Json;
using System.Text.Json.Nodes;
using GraphQL;
using GraphQL.Types;
using HeadlessShop.GraphQL.Transport;
using HeadlessShop.GraphQL.Transport.Execution;

namespace HeadlessShop.Bench;

/// <summary>
/// The two ceilings the listing is compared with, answered from memory (no database, no loaders):
/// POST /graphql runs the same listing document through GraphQL.NET and our transport (engine ceiling);
/// POST /json returns the same payload serialized by System.Text.Json (HTTP ceiling).
/// The in-memory products are the API's own listing response, captured by the harness.
/// </summary>
public static class ReferenceServer
{
    /// <summary>The products of a captured listing response, as in-memory objects.</summary>
    public static List<RefProduct> LoadProducts(string payloadJson) =>
        JsonNode.Parse(payloadJson)!["data"]!["products"]!["nodes"]!.Deserialize<List<RefProduct>>(JsonSerializerOptions.Web)!;

    public static async Task RunAsync(string url, string payloadFile)
    {
        var products = LoadProducts(await File.ReadAllTextAsync(payloadFile));

        var builder = WebApplication.CreateSlimBuilder([]);
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(products);
        builder.Services.AddGraphQL(b => b
            .AddSchema<ReferenceSchema>()
            .AddGraphTypes(typeof(ReferenceSchema).Assembly)
            .AddSystemTextJson()
            .AddTransport(builder.Configuration, isDevelopment: false)
            .ConfigureExecution<ValidatedDocumentCache>());
        var app = builder.Build();
        app.MapGraphQLEndpoint("/graphql");
        app.MapPost("/json", (List<RefProduct> all) => Results.Json(new { data = new { products = new { nodes = all } } }, JsonSerializerOptions.Web));
        await app.RunAsync();
    }
}

public sealed record RefMoney(string Amount, string CurrencyCode);
public sealed record RefPriceRange(RefMoney Min);
public sealed record RefImage(string Url, string? AltText);
public sealed record RefCategory(string Name, string Slug);
public sealed record RefOption(string Name, string Value);
public sealed record RefVariant(string Id, string Sku, string Name, RefMoney Price, int QuantityAvailable, bool AvailableForSale, List<RefOption> SelectedOptions);
public sealed record RefProduct(string Id, string Slug, string Name, bool AvailableForSale, RefPriceRange PriceRange, List<RefImage> Images,
    RefCategory? Category, List<RefVariant> Variants);

public sealed class ReferenceSchema : Schema
{
    public ReferenceSchema(IServiceProvider services, RefQueryGraphType query)
        : base(services) => Query = query;
}

public sealed class RefQueryGraphType : ObjectGraphType
{
    public RefQueryGraphType(List<RefProduct> products)
    {
        Name = "Query";
        Field<NonNullGraphType<RefConnectionGraphType>>("products")
            .Argument<IntGraphType>("first")
            .Resolve(ctx => products.Take(ctx.GetArgument("first", 20)).ToList());
    }
}

public sealed class RefConnectionGraphType : ObjectGraphType<List<RefProduct>>
{
    public RefConnectionGraphType()
    {
        Name = "ProductConnection";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RefProductGraphType>>>>("nodes").Resolve(ctx => ctx.Source);
    }
}

public sealed class RefProductGraphType : ObjectGraphType<RefProduct>
{
    public RefProductGraphType()
    {
        Name = "Product";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(p => p.Slug);
        Field(p => p.Name);
        Field(p => p.AvailableForSale);
        Field<NonNullGraphType<RefPriceRangeGraphType>>("priceRange").Resolve(ctx => ctx.Source.PriceRange);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RefImageGraphType>>>>("images").Resolve(ctx => ctx.Source.Images);
        Field<RefCategoryGraphType>("category").Resolve(ctx => ctx.Source.Category);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RefVariantGraphType>>>>("variants").Resolve(ctx => ctx.Source.Variants);
    }
}

public sealed class RefPriceRangeGraphType : ObjectGraphType<RefPriceRange>
{
    public RefPriceRangeGraphType()
    {
        Name = "MoneyRange";
        Field<NonNullGraphType<RefMoneyGraphType>>("min").Resolve(ctx => ctx.Source.Min);
    }
}

public sealed class RefMoneyGraphType : ObjectGraphType<RefMoney>
{
    public RefMoneyGraphType()
    {
        Name = "Money";
        Field(m => m.Amount);
        Field(m => m.CurrencyCode);
    }
}

public sealed class RefImageGraphType : ObjectGraphType<RefImage>
{
    public RefImageGraphType()
    {
        Name = "Image";
        Field(i => i.Url);
        Field(i => i.AltText, nullable: true);
    }
}

public sealed class RefCategoryGraphType : ObjectGraphType<RefCategory>
{
    public RefCategoryGraphType()
    {
        Name = "Category";
        Field(c => c.Name);
        Field(c => c.Slug);
    }
}

public sealed class RefOptionGraphType : ObjectGraphType<RefOption>
{
    public RefOptionGraphType()
    {
        Name = "SelectedOption";
        Field(o => o.Name);
        Field(o => o.Value);
    }
}

public sealed class RefVariantGraphType : ObjectGraphType<RefVariant>
{
    public RefVariantGraphType()
    {
        Name = "ProductVariant";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(v => v.Sku);
        Field(v => v.Name);
        Field<NonNullGraphType<RefMoneyGraphType>>("price").Resolve(ctx => ctx.Source.Price);
        Field(v => v.QuantityAvailable);
        Field(v => v.AvailableForSale);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RefOptionGraphType>>>>("selectedOptions").Resolve(ctx => ctx.Source.SelectedOptions);
    }
}
