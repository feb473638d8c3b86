using HeadlessShop.Api.Catalog.Seeding;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Catalog;

public sealed class EmbeddedModeTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"hs-embedded-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task First_start_creates_the_database_and_seeds_the_demo_catalog()
    {
        await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Sqlite", $"Data Source={_file};Pooling=False");
        });
        var response = await app.CreateClient().GraphQLAsync("""
            { products(first: 5) { totalCount nodes { name priceRange { min { amount currencyCode } } } }
              categories { slug children { slug } } }
            """);
        var data = response.OkData();

        Assert.Equal(5, data["products"]!["nodes"]!.AsArray().Count);
        Assert.True(data["products"]!["totalCount"]!.GetValue<int>() >= 200);
        var leafCategories = data["categories"]!.AsArray().SelectMany(c => c!["children"]!.AsArray()).Count();
        Assert.True(leafCategories >= 8);
        Assert.All(data["products"]!["nodes"]!.AsArray(), n => Assert.Matches(@"^\d+\.\d{2}$", n!["priceRange"]!["min"]!["amount"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_database_from_another_version_is_backed_up_and_created_afresh()
    {
        WebApplicationFactory<Program> Start() => new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Sqlite", $"Data Source={_file};Pooling=False");
            b.UseSetting("HeadlessShop:DemoCatalogProducts", "12");
        });

        await using (var first = Start())
        {
            first.CreateClient().Dispose();
        }
        // Simulate a file written by an older model: its recorded schema hash differs.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_file};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE embedded_schema_version SET hash = 'older'; DELETE FROM products WHERE id > 5;";
            await command.ExecuteNonQueryAsync();
        }

        await using var second = Start();
        var count = (await second.CreateClient().GraphQLAsync("{ products(first: 50) { totalCount } }")).OkData()["products"]!["totalCount"]!.GetValue<int>();

        Assert.Equal(12, count);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(_file)!, Path.GetFileName(_file) + ".bak-*"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
        foreach (var backup in Directory.GetFiles(Path.GetDirectoryName(_file)!, Path.GetFileName(_file) + ".bak-*"))
        {
            File.Delete(backup);
        }
    }
}

public sealed class SeedingTests(PostgresCatalogFactory factory) : IClassFixture<PostgresCatalogFactory>
{
    [Fact]
    public async Task Seeding_again_is_idempotent_and_deterministic()
    {
        var seeder = factory.Services.GetRequiredService<CatalogSeeder>();
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();

        var addedAgain = await seeder.SeedAsync(factory.Products, null, CancellationToken.None);
        Assert.Equal(0, addedAgain);

        await using var db = await contexts.CreateDbContextAsync();
        Assert.Equal(factory.Products, await db.Products.CountAsync());
        var expected = DemoCatalog.Product(7);
        var stored = await db.Products.Include(p => p.Variants).SingleAsync(p => p.Slug == expected.Slug);
        Assert.Equal(expected.Name, stored.Name);
        Assert.Equal(expected.Variants.Select(v => v.Sku), stored.Variants.OrderBy(v => v.Position).Select(v => v.Sku));
        Assert.Equal(expected.Variants.Min(v => v.PriceMinor), stored.PriceMinMinor);
        Assert.Equal(await db.ProductVariants.CountAsync(), await db.StockLevels.CountAsync());
    }

    [Fact]
    public void Demo_catalog_has_1_to_6_variants_per_product_and_unique_skus_and_slugs()
    {
        var products = Enumerable.Range(1, 2000).Select(n => DemoCatalog.Product(n)).ToList();
        Assert.All(products, p => Assert.InRange(p.Variants.Count, 1, 6));
        Assert.Equal(products.Count, products.Select(p => p.Slug).Distinct().Count());
        var skus = products.SelectMany(p => p.Variants).Select(v => v.Sku).ToList();
        Assert.Equal(skus.Count, skus.Distinct().Count());
        Assert.True(products.Select(p => p.Brand).Distinct().Count() >= 8);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    public void Asking_for_a_variant_count_gives_exactly_that_many_distinct_variants(int count)
    {
        Assert.All(Enumerable.Range(1, 500).Select(n => DemoCatalog.Product(n, count)), p =>
        {
            Assert.Equal(count, p.Variants.Count);
            Assert.Equal(count, p.Variants.Select(v => string.Join("/", v.Options.Select(o => o.Value))).Distinct().Count());
        });
        // The natural catalog is unchanged by the option.
        Assert.Equal(DemoCatalog.Product(42).Variants.Select(v => v.Sku), DemoCatalog.Product(42, null).Variants.Select(v => v.Sku));
    }
}
