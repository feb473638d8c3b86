using HeadlessShop.Api.Common;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.Search;
using HeadlessShop.Api.Search.Typesense;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HeadlessShop.Api.Tests.Search.Typesense;

/// <summary>Runs only against a real Typesense: set TYPESENSE_URL (and TYPESENSE_API_KEY); skipped with that reason otherwise.</summary>
public sealed class LiveTypesenseFactAttribute : FactAttribute
{
    public static string? Url => Environment.GetEnvironmentVariable("TYPESENSE_URL") is { Length: > 0 } url ? url : null;

    public static string ApiKey => Environment.GetEnvironmentVariable("TYPESENSE_API_KEY") ?? "";

    public LiveTypesenseFactAttribute()
    {
        if (Url is null)
        {
            Skip = "TYPESENSE_URL is not set: no Typesense server here (it has no Debian, NuGet or npm package); "
                + "set TYPESENSE_URL and TYPESENSE_API_KEY to run the live Typesense tests.";
        }
    }
}

/// <summary>The client, the engine and the reindex against a real Typesense, each in collections and aliases of its own.</summary>
public sealed class TypesenseLiveTests
{
    private static readonly string Prefix = $"hs_live_{Guid.NewGuid():N}"[..20];

    private static IHost Host(string alias) => TypesenseTestHost.Start(LiveTypesenseFactAttribute.Url!, new Dictionary<string, string?>
    {
        ["Typesense:ApiKey"] = LiveTypesenseFactAttribute.ApiKey,
        ["Typesense:CollectionAlias"] = alias,
    });

    private static SearchDocument Doc(long id, string name, string brand, string category, long price, params string[] colors) =>
        new(id, $"p-{id}", name, $"The {name} from {brand}.", brand, category, category, colors, ["42"], [$"SKU-{id}"],
            price, price, CurrencyCode.USD, true, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(id));

    [LiveTypesenseFact]
    public async Task Acceptance_query_against_a_real_Typesense_returns_hits_disjunctive_facets_price_buckets_and_the_correction()
    {
        var alias = $"{Prefix}_a";
        var collection = $"{alias}_1";
        using var host = Host(alias);
        var client = host.Get<TypesenseClient>();
        try
        {
            await client.CreateCollectionAsync(TypesenseProductSchema.For(collection), CancellationToken.None);
            var import = await client.ImportDocumentsAsync(collection, new[]
            {
                Doc(1, "Acme Running Sneakers", "Acme", "sneakers", 4_999, "White"),
                Doc(2, "Zenith Court Sneakers", "Zenith", "sneakers", 12_000, "Black"),
                Doc(3, "Nordwind Trail Sneakers", "Nordwind", "sneakers", 8_000, "Blue"),
                Doc(4, "Acme Winter Boots", "Acme", "boots", 15_000, "Black"),
                Doc(5, "Acme Luxury Sneakers", "Acme", "sneakers", 30_000, "White"),
            }.Select(TypesenseProductDocument.From).ToList(), CancellationToken.None);
            Assert.Empty(import.Failures);
            await client.UpsertAliasAsync(alias, collection, CancellationToken.None);

            var hits = await host.Services.GetRequiredKeyedService<ISearchEngine>(SearchEngineKind.Typesense).SearchAsync(
                new SearchQuery("snekers", [new FacetSelection("brand", ["Acme", "Zenith"])], 1000, 20000, SearchSortKey.Relevance, false, 20, 0),
                CancellationToken.None);

            Assert.Equal([1L, 2L], hits.ProductIds.Order());
            Assert.Equal(2, hits.TotalCount);
            Assert.Equal("sneakers", hits.CorrectedQuery);
            var brands = hits.Facets.Single(f => f.Name == "brand").Values;
            Assert.Contains(new FacetValueCount("Nordwind", 1, false), brands);
            Assert.Contains(new FacetValueCount("Acme", 1, true), brands);
            // Price buckets ignore the price filter: the 300.00 pair of Acme sneakers is counted in [200, 500).
            Assert.Equal(1, hits.PriceBuckets.Single(b => b.Min == 20000).Count);
            Assert.Equal(1, hits.PriceBuckets.Single(b => b.Min == 2500).Count);
        }
        finally
        {
            await client.DeleteAliasAsync(alias, CancellationToken.None);
            await client.DeleteCollectionAsync(collection, CancellationToken.None);
        }
    }

    [LiveTypesenseFact]
    public async Task Reindex_against_a_real_Typesense_swaps_the_alias_and_drops_the_old_collection()
    {
        var alias = $"{Prefix}_r";
        await using var factory = new LiveFactory(alias);
        await factory.InitializeAsync();
        var client = factory.Services.GetRequiredService<TypesenseClient>();
        var indexer = factory.Services.GetRequiredService<TypesenseSearchIndexer>();
        try
        {
            await indexer.ReindexAsync(null, CancellationToken.None);
            var first = (await client.RetrieveAliasAsync(alias, CancellationToken.None))!.CollectionName;
            await indexer.ReindexAsync(null, CancellationToken.None);
            var second = (await client.RetrieveAliasAsync(alias, CancellationToken.None))!.CollectionName;

            Assert.NotEqual(first, second);
            Assert.Null(await client.RetrieveCollectionAsync(first, CancellationToken.None));
            await using var db = await factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>().CreateDbContextAsync();
            Assert.Equal(await db.Products.CountAsync(p => p.DeletedAt == null),
                (await client.RetrieveCollectionAsync(second, CancellationToken.None))!.NumDocuments);
            var hits = await factory.Services.GetRequiredService<ISearchEngine>().SearchAsync(
                new SearchQuery("", [], null, null, SearchSortKey.Relevance, false, 5, 0), CancellationToken.None);
            Assert.Equal(SearchEngineKind.Typesense, hits.Engine);
            Assert.Equal(5, hits.ProductIds.Count);
        }
        finally
        {
            if (await client.RetrieveAliasAsync(alias, CancellationToken.None) is { } current)
            {
                await client.DeleteAliasAsync(alias, CancellationToken.None);
                await client.DeleteCollectionAsync(current.CollectionName, CancellationToken.None);
            }
        }
    }

    private sealed class LiveFactory(string alias) : ShopApiFactory
    {
        public override int Products => 30;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Typesense:Url", LiveTypesenseFactAttribute.Url);
            builder.UseSetting("Typesense:ApiKey", LiveTypesenseFactAttribute.ApiKey);
            builder.UseSetting("Typesense:CollectionAlias", alias);
        }
    }
}
