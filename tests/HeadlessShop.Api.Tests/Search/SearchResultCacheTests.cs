using System.Text.Json.Nodes;
using HeadlessShop.Api.Search;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HeadlessShop.Api.Tests.Search;

public sealed class SearchResultCacheFactory : SearchApiFactory;

/// <summary>
/// The PostgreSQL engine's result cache against writes that send no event at all (straight SQL on another connection,
/// as another instance, a migration or a DBA would): a repeat is answered for one statement, and a committed write is
/// in the very next search, also while writers and readers race.
/// </summary>
public sealed class SearchResultCacheTests(SearchResultCacheFactory factory) : IClassFixture<SearchResultCacheFactory>
{
    private const string Search = """
        query($input: SearchInput!) { search(input: $input) { totalCount facets { name values { value count selected } } hits { nodes { id } } } }
        """;

    private SearchResultCache Cache => factory.Services.GetRequiredService<SearchResultCache>();

    private ISearchEngine Engine => factory.Services.GetRequiredService<ISearchEngine>();

    private async Task<(JsonNode Search, int Statements)> SearchAsync(object input)
    {
        var response = await factory.CreateClient().GraphQLAsync(Search, new { input });
        return (response.OkData()["search"]!, response.SqlStatements);
    }

    private async Task<int> ExecuteAsync(string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        return await command.ExecuteNonQueryAsync();
    }

    private async Task<long[]> ProductIdsAsync(int count)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM products WHERE deleted_at IS NULL ORDER BY id LIMIT $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = count });
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }
        return [.. ids];
    }

    private static SearchQuery BrandQuery(IReadOnlyList<string> brands) =>
        new("", [new FacetSelection(SearchFacets.Brand, brands)], null, null, SearchSortKey.Relevance, false, 20, 0);

    private static int BrandCount(SearchHits hits, string brand) =>
        hits.Facets.Single(f => f.Name == SearchFacets.Brand).Values.Single(v => v.Value == brand).Count;

    [Fact]
    public async Task A_repeat_costs_one_statement_and_a_write_committed_without_any_event_is_in_the_next_search()
    {
        var id = (await ProductIdsAsync(1))[0];
        var input = new { query = "", facets = new[] { new { name = "brand", values = new[] { "Quuxcorp" } } }, first = 5 };
        var (cold, coldStatements) = await SearchAsync(input);
        var (warm, warmStatements) = await SearchAsync(input);
        Assert.Equal(0, cold["totalCount"]!.GetValue<int>());
        Assert.Equal(2, coldStatements);
        Assert.Equal(1, warmStatements);
        Assert.Equal(cold.ToJsonString(), warm.ToJsonString());

        Assert.Equal(1, await ExecuteAsync("UPDATE products SET brand = 'Quuxcorp' WHERE id = $1", id));

        var (after, _) = await SearchAsync(input);
        Assert.Equal(1, after["totalCount"]!.GetValue<int>());
        var brand = after["facets"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "brand")!["values"]!.AsArray()
            .Single(v => v!["value"]!.GetValue<string>() == "Quuxcorp")!;
        Assert.Equal(1, brand["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_uncommitted_write_is_never_served_and_its_commit_is_served_at_once()
    {
        var id = (await ProductIdsAsync(2))[1];
        var query = BrandQuery(["Pendingco"]);
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var update = new NpgsqlCommand("UPDATE products SET brand = 'Pendingco' WHERE id = $1", connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter { Value = id });
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        // Searched (and cached) while the write is open: it must not show, and what was cached must not outlive the commit.
        Assert.Equal(0, (await Engine.SearchAsync(query, CancellationToken.None)).TotalCount);
        Assert.Equal(0, (await Engine.SearchAsync(query, CancellationToken.None)).TotalCount);
        await transaction.CommitAsync();

        var after = await Engine.SearchAsync(query, CancellationToken.None);
        Assert.Equal([id], after.ProductIds);
        Assert.Equal(1, BrandCount(after, "Pendingco"));
    }

    [Fact]
    public async Task A_variant_option_change_reaches_the_next_facet_counts()
    {
        var id = (await ProductIdsAsync(3))[2];
        var query = new SearchQuery("", [new FacetSelection(SearchFacets.Color, ["Chartreuse"])], null, null, SearchSortKey.Relevance, false, 5, 0);
        Assert.Equal(0, (await Engine.SearchAsync(query, CancellationToken.None)).TotalCount);
        Assert.Equal(0, (await Engine.SearchAsync(query, CancellationToken.None)).TotalCount);

        // The variant statement trigger touches the product row, which moves the generation.
        Assert.Equal(1, await ExecuteAsync("""
            UPDATE product_variants SET option_values = '[{"name":"Color","value":"Chartreuse"}]'
            WHERE id = (SELECT min(id) FROM product_variants WHERE product_id = $1)
            """, id));

        var after = await Engine.SearchAsync(query, CancellationToken.None);
        Assert.Equal([id], after.ProductIds);
    }

    [Fact]
    public async Task Racing_writers_each_see_their_own_commit_in_the_next_search_while_readers_fill_the_cache()
    {
        const int writers = 4;
        const int rounds = 10;
        var products = (await ProductIdsAsync(10))[^writers..];
        var brands = Enumerable.Range(0, writers).SelectMany(w => Enumerable.Range(0, rounds).Select(r => $"Race{w}x{r}")).ToList();
        var query = BrandQuery(brands);
        Cache.Clear();
        using var done = new CancellationTokenSource();
        var hits = 0;

        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 2_000 && !done.IsCancellationRequested; i++)
            {
                var result = await Engine.SearchAsync(query, CancellationToken.None);
                // Whatever a reader sees is a state some commit left: each writer's product holds at most one race brand.
                Assert.InRange(brands.Sum(b => BrandCount(result, b)), 0, writers);
            }
        })).ToList();

        var writing = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var r = 0; r < rounds; r++)
            {
                Assert.Equal(1, await ExecuteAsync("UPDATE products SET brand = $1 WHERE id = $2", $"Race{w}x{r}", products[w]));
                var seen = await Engine.SearchAsync(query, CancellationToken.None);
                Assert.Equal(1, BrandCount(seen, $"Race{w}x{r}"));
                if (r > 0)
                {
                    Assert.Equal(0, BrandCount(seen, $"Race{w}x{r - 1}"));
                }
                Assert.Contains(products[w], seen.ProductIds);
                // A repeat with nothing committed in between by this writer may come from the cache: it must agree.
                var again = await Engine.SearchAsync(query, CancellationToken.None);
                Assert.Equal(1, BrandCount(again, $"Race{w}x{r}"));
                Interlocked.Increment(ref hits);
            }
        })).ToList();

        await Task.WhenAll(writing);
        await done.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Equal(writers * rounds, hits);
        // Quiet now: the last state, and a repeat of it that must come from the cache.
        var final = await Engine.SearchAsync(query, CancellationToken.None);
        var cached = await Engine.SearchAsync(query, CancellationToken.None);
        Assert.Same(final, cached);
        Assert.Equal(products.Order(), final.ProductIds.Order());
        Assert.All(Enumerable.Range(0, writers), w => Assert.Equal(1, BrandCount(final, $"Race{w}x{rounds - 1}")));
    }

    [Fact]
    public async Task A_transaction_moves_one_stripe_once_however_many_products_it_writes()
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        async Task<long[]> GenerationsAsync()
        {
            await using var read = new NpgsqlCommand("SELECT generation FROM search_generations ORDER BY stripe", connection);
            var values = new List<long>();
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                values.Add(reader.GetInt64(0));
            }
            return [.. values];
        }

        var before = await GenerationsAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var update = new NpgsqlCommand("UPDATE products SET updated_at = updated_at WHERE id IN (SELECT id FROM products ORDER BY id LIMIT 25)", connection, transaction);
            Assert.Equal(25, await update.ExecuteNonQueryAsync());
            await using var again = new NpgsqlCommand("UPDATE products SET updated_at = updated_at WHERE id IN (SELECT id FROM products ORDER BY id DESC LIMIT 5)", connection, transaction);
            Assert.Equal(5, await again.ExecuteNonQueryAsync());
            await transaction.CommitAsync();
        }
        var after = await GenerationsAsync();
        var moved = Enumerable.Range(0, 16).Where(i => before[i] != after[i]).ToList();
        Assert.Equal(16, after.Length);
        Assert.Single(moved);

        // A rolled-back write moves nothing.
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var update = new NpgsqlCommand("UPDATE products SET brand = 'Never' WHERE id IN (SELECT id FROM products ORDER BY id LIMIT 3)", connection, transaction);
            await update.ExecuteNonQueryAsync();
            await transaction.RollbackAsync();
        }
        Assert.Equal(after, await GenerationsAsync());
    }
}
