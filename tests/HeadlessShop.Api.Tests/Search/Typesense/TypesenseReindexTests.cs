using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.Search;
using HeadlessShop.Api.Search.Typesense;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Search.Typesense;

/// <summary>
/// Reindex against the stand-in while searches run: a new products_&lt;timestamp&gt; collection, every live product
/// imported once in JSONL batches, the alias swapped, the old collection dropped, and no search lost meanwhile.
/// </summary>
public sealed class TypesenseReindexTests(TypesenseApiFactory factory, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<TypesenseApiFactory>
{
    private static readonly SearchQuery Query = new("sneakers", [], null, null, SearchSortKey.Relevance, false, 20, 0);

    private TypesenseStandIn Typesense => factory.Typesense;

    private async Task<List<long>> LiveProductIdsAsync()
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>().CreateDbContextAsync();
        return await db.Products.Where(p => p.DeletedAt == null).OrderBy(p => p.Id).Select(p => p.Id).ToListAsync();
    }

    private async Task<long> SoftDeleteOneProductAsync()
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>().CreateDbContextAsync();
        var id = await db.Products.Where(p => p.DeletedAt == null).OrderByDescending(p => p.Id).Select(p => p.Id).FirstAsync();
        var at = DateTime.UtcNow.AddMinutes(-1);
        Assert.Equal(1, await db.Products.Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.DeletedAt, at)));
        return id;
    }

    private static List<JsonNode> ImportedDocuments(IEnumerable<WireMock.IRequestMessage> imports) =>
        imports.SelectMany(r => r.Body!.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Select(l => JsonNode.Parse(l)!).ToList();

    [Fact]
    public async Task Reindex_under_concurrent_search_load_loses_no_query_and_swaps_the_alias_then_drops_the_old_collection()
    {
        Typesense.AnswerReindex("products_old", importDelay: TimeSpan.FromMilliseconds(80));
        var deleted = await SoftDeleteOneProductAsync();
        var live = await LiveProductIdsAsync();
        Typesense.ClearRequests();
        var engine = factory.Services.GetRequiredService<ISearchEngine>();
        var progress = new ConcurrentQueue<ReindexProgress>();

        var reindex = factory.Services.GetRequiredService<TypesenseSearchIndexer>()
            .ReindexAsync(new SyncProgress(progress.Enqueue), CancellationToken.None);
        var answers = new ConcurrentBag<SearchHits>();
        var failures = new ConcurrentBag<Exception>();
        var searchers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            // Bounded: at most 400 searches per searcher, stopping when the reindex is done.
            for (var i = 0; i < 400 && !reindex.IsCompleted; i++)
            {
                try
                {
                    answers.Add(await engine.SearchAsync(Query, CancellationToken.None));
                }
                catch (Exception ex)
                {
                    failures.Add(ex);
                }
            }
        })).ToList();
        await reindex;
        await Task.WhenAll(searchers);

        Assert.Empty(failures);
        Assert.NotEmpty(answers);
        Assert.All(answers, hits => Assert.Equal(SearchEngineKind.Typesense, hits.Engine));

        // The calls, in order: find the live collection, create the new one, import in batches, swap, drop.
        var calls = Typesense.Requests.Select(e => e.RequestMessage!).Where(r => r.Path != "/multi_search" && r.Path != "/health").ToList();
        var created = JsonNode.Parse(calls[1].Body!)!["name"]!.GetValue<string>();
        Assert.Matches("^products_[0-9]{17}$", created);
        var batches = (live.Count + 1) / 2; // Typesense:ImportBatchSize = 2
        Assert.Equal(
            new[] { "GET /aliases/products", "POST /collections" }
                .Concat(Enumerable.Repeat($"POST /collections/{created}/documents/import", batches))
                .Concat(["PUT /aliases/products", "DELETE /collections/products_old"]),
            calls.Select(r => $"{r.Method} {r.Path}"));
        Assert.Equal(created, JsonNode.Parse(calls[^2].Body!)!["collection_name"]!.GetValue<string>());
        Assert.All(calls.Where(c => c.Path.EndsWith("/import", StringComparison.Ordinal)), c => Assert.Equal("upsert", c.Query!["action"].Single()));

        // Every live product exactly once; the soft-deleted one never.
        var documents = ImportedDocuments(calls.Where(c => c.Path.EndsWith("/import", StringComparison.Ordinal)));
        Assert.Equal(live, documents.Select(d => d["product_id"]!.GetValue<long>()));
        Assert.DoesNotContain(deleted, documents.Select(d => d["product_id"]!.GetValue<long>()));
        Assert.All(documents, d =>
        {
            Assert.Equal(d["product_id"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture), d["id"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(d["name"]!.GetValue<string>()));
            Assert.NotEmpty(d["colors"]!.AsArray());
            Assert.True(d["price_min"]!.GetValue<long>() > 0);
        });

        // Searches ran while the batches were importing, and always through the alias.
        var searches = Typesense.RequestsTo("POST", "/multi_search");
        var importing = (From: Typesense.RequestsTo("POST", $"/collections/{created}/documents/import")[0].DateTime, To: calls[^2].DateTime);
        var duringImport = searches.Count(s => s.DateTime > importing.From && s.DateTime < importing.To);
        output.WriteLine($"{answers.Count} searches answered during the reindex ({duringImport} while batches imported), {documents.Count} documents in {batches} batches");
        Assert.True(duringImport > 0);
        Assert.All(searches.SelectMany(TypesenseStandIn.Searches), s => Assert.Equal("products", s!["collection"]!.GetValue<string>()));

        Assert.Equal(new ReindexProgress(live.Count, live.Count), progress.Last());
        Assert.Equal(new ReindexProgress(0, live.Count), progress.First());
    }

    [Fact]
    public async Task A_failed_import_drops_the_half_built_collection_and_leaves_the_alias_alone()
    {
        Typesense.AnswerReindex("products_live", importDelay: TimeSpan.Zero);
        Typesense.Answer("POST", "/collections/*/documents/import", 200,
            "{\"success\": true}\n{\"success\": false, \"error\": \"Field `price_min` must be an int64.\", \"document\": \"{}\"}");
        Typesense.Answer("DELETE", "/collections/*", 200, """{"name": "x", "num_documents": 0, "fields": []}""");
        Typesense.ClearRequests();

        var ex = await Assert.ThrowsAsync<TypesenseException>(() =>
            factory.Services.GetRequiredService<TypesenseSearchIndexer>().ReindexAsync(null, CancellationToken.None));

        Assert.Contains("Field `price_min` must be an int64.", ex.Message, StringComparison.Ordinal);
        var calls = Typesense.Requests.Select(e => e.RequestMessage!).Where(r => r.Path != "/multi_search" && r.Path != "/health").ToList();
        var created = JsonNode.Parse(calls[1].Body!)!["name"]!.GetValue<string>();
        Assert.Equal(
            ["GET /aliases/products", "POST /collections", $"POST /collections/{created}/documents/import", $"DELETE /collections/{created}"],
            calls.Select(r => $"{r.Method} {r.Path}"));
        Assert.Empty(Typesense.RequestsTo("PUT", "/aliases/products"));
    }

    [Fact]
    public async Task Upsert_imports_live_products_and_deletes_gone_ones_from_the_alias()
    {
        Typesense.AnswerReindex("products_live", importDelay: TimeSpan.Zero);
        Typesense.Answer("DELETE", "/collections/products/documents/*", 200, """{"id": "0"}""");
        var deleted = await SoftDeleteOneProductAsync();
        var live = (await LiveProductIdsAsync())[0];
        Typesense.ClearRequests();

        await factory.Services.GetRequiredService<ISearchIndexer>().UpsertAsync([live, deleted, 987_654_321], CancellationToken.None);

        var imports = Typesense.RequestsTo("POST", "/collections/products/documents/import");
        Assert.True(imports.Count == 1, string.Join(" | ", imports.Select(i => i.Body)));
        var import = imports[0];
        var document = Assert.Single(ImportedDocuments([import]));
        Assert.Equal(live, document["product_id"]!.GetValue<long>());
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>().CreateDbContextAsync();
        var product = await db.Products.Include(p => p.Variants).SingleAsync(p => p.Id == live);
        Assert.Equal(product.Name, document["name"]!.GetValue<string>());
        Assert.Equal(product.Brand, document["brand"]!.GetValue<string>());
        Assert.Equal(product.PriceMinMinor, document["price_min"]!.GetValue<long>());
        Assert.Equal(product.Variants.Select(v => v.Sku).Order(), document["skus"]!.AsArray().Select(s => s!.GetValue<string>()).Order());
        Assert.Equal(
            [$"/collections/products/documents/{deleted}", "/collections/products/documents/987654321"],
            Typesense.RequestsTo("DELETE", "/collections/products/documents/").Select(r => r.Path).Order());
        Assert.All(Typesense.RequestsTo("DELETE", "/collections/products/documents/"), r => Assert.Equal("true", r.Query!["ignore_not_found"].Single()));
    }

    private sealed class SyncProgress(Action<ReindexProgress> report) : IProgress<ReindexProgress>
    {
        public void Report(ReindexProgress value) => report(value);
    }
}
