using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Search;

public sealed class PostgresSearchIndexFactory : SearchApiFactory
{
    public override int Products => 0;
}

/// <summary>The PostgreSQL search triggers under concurrent writers: new vocabulary words in clashing orders.</summary>
public sealed class SearchIndexConcurrencyTests(PostgresSearchIndexFactory factory) : IClassFixture<PostgresSearchIndexFactory>
{
    private static readonly string[] Words = ["quokka", "narwhal", "axolotl", "pangolin", "okapi", "tapir"];

    [Fact]
    public async Task Concurrent_writers_adding_the_same_new_words_in_different_orders_all_commit_and_are_searchable()
    {
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
        long categoryId;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            categoryId = await db.Categories.Where(c => c.Slug == "tops").Select(c => c.Id).SingleAsync();
        }
        using var start = new SemaphoreSlim(0);
        var writers = Enumerable.Range(0, 8).Select(async writer =>
        {
            await start.WaitAsync();
            await using var db = await contexts.CreateDbContextAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            // Each writer names the words in its own rotation, so unsorted inserts into the vocabulary would deadlock.
            var words = Words.Skip(writer % Words.Length).Concat(Words.Take(writer % Words.Length)).ToList();
            for (var n = 0; n < 5; n++)
            {
                db.Products.Add(new Product
                {
                    Slug = $"zoo-{writer}-{n}",
                    Name = $"{string.Join(' ', words.Take(3))} Tee {writer}-{n}",
                    Description = string.Join(' ', words),
                    Brand = "Zoo",
                    CategoryId = categoryId,
                    CreatedAt = DateTime.UtcNow,
                    UpdatedAt = DateTime.UtcNow,
                    Variants = [new ProductVariant { Sku = $"ZOO-{writer}-{n}", Name = "Teal", PriceMinor = 1500, OptionValues = [new("Color", "Teal")], Stock = new StockLevel { OnHand = 1 } }],
                });
                await db.SaveChangesAsync();
            }
            await transaction.CommitAsync();
        }).ToList();
        start.Release(writers.Count);
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));

        await using (var db = await contexts.CreateDbContextAsync())
        {
            var terms = await db.Database.SqlQueryRaw<string>("SELECT term AS \"Value\" FROM search_terms").ToListAsync();
            Assert.Subset(terms.ToHashSet(), Words.ToHashSet());
            Assert.Equal(40, await db.Products.CountAsync(p => p.Brand == "Zoo"));
        }
        foreach (var word in Words)
        {
            var response = await factory.CreateClient().GraphQLAsync(
                "query($q: String!) { search(input: { query: $q, facets: [{ name: \"color\", values: [\"Teal\"] }], first: 0 }) { totalCount } }",
                new { q = word });
            Assert.Equal(40, response.OkData()["search"]!["totalCount"]!.GetValue<int>());
        }
    }
}
