using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Search;

/// <summary>
/// 60 hand-written products and the top results shoppers expect for typical queries (the README's relevance table).
/// Each row lists every product that belongs in the top 3 (fewer when fewer are relevant): the engine's first
/// results must be exactly those, in any order among themselves.
/// </summary>
public static class RelevanceFixture
{
    public sealed record Item(string Name, string Brand, string Category, string[] Colors, string[] Sizes, long Price, string Extra = "");

    public static readonly IReadOnlyList<Item> Products =
    [
        new("Nimbus Cloud Runner Sneakers", "Nimbus", "sneakers", ["White", "Grey"], ["42", "43"], 8900, "Light cushioned soles."),
        new("Nimbus Street Sneakers", "Nimbus", "sneakers", ["Black"], ["41", "42"], 7500),
        new("Ridgeline Trail Sneakers", "Ridgeline", "sneakers", ["Green"], ["43"], 9900, "Grippy lugs for dirt paths."),
        new("Harbor Canvas Sneakers", "Harbor", "sneakers", ["Blue", "White"], ["40", "41"], 4500),
        new("Kestrel Court Trainers", "Kestrel", "sneakers", ["White"], ["42"], 6900),
        new("Kestrel Sprint Runners", "Kestrel", "sneakers", ["Red"], ["44"], 11900),
        new("Ridgeline Summit Hiking Boots", "Ridgeline", "boots", ["Brown"], ["43", "44"], 17900),
        new("Tundra Insulated Winter Boots", "Tundra", "boots", ["Black"], ["42", "43"], 19900, "Waterproof and insulated for deep snow."),
        new("Harbor Leather Chelsea Boots", "Harbor", "boots", ["Brown", "Black"], ["41", "42"], 15900),
        new("Solace Suede Ankle Boots", "Solace", "boots", ["Beige"], ["40"], 13900),
        new("Nimbus Blue Oxford Shirt", "Nimbus", "tops", ["Blue"], ["S", "M", "L"], 4900),
        new("Harbor Linen Shirt", "Harbor", "tops", ["White", "Beige"], ["M", "L"], 5900),
        new("Vantage Flannel Shirt", "Vantage", "tops", ["Red"], ["M", "L", "XL"], 4500),
        new("Orbit Graphic T-Shirt", "Orbit", "tops", ["Black", "White"], ["S", "M"], 2500),
        new("Solace Cashmere Sweater", "Solace", "tops", ["Grey"], ["S", "M"], 18900, "Soft pure cashmere."),
        new("Kestrel Merino Sweater", "Kestrel", "tops", ["Navy"], ["M", "L"], 12900),
        new("Orbit Zip Hoodie", "Orbit", "tops", ["Grey", "Black"], ["M", "L", "XL"], 6500),
        new("Vantage Pique Polo", "Vantage", "tops", ["Navy", "White"], ["S", "M", "L"], 3900),
        new("Ridgeline Fleece Hoodie", "Ridgeline", "tops", ["Green"], ["L"], 7900),
        new("Tundra Thermal Base Layer", "Tundra", "tops", ["Black"], ["M", "L"], 5500),
        new("Harbor Slim Jeans", "Harbor", "bottoms", ["Blue"], ["30", "32"], 6900),
        new("Vantage Relaxed Jeans", "Vantage", "bottoms", ["Black"], ["32", "34"], 7900),
        new("Nimbus Stretch Chinos", "Nimbus", "bottoms", ["Beige", "Navy"], ["30", "32", "34"], 5900),
        new("Orbit Jogger Pants", "Orbit", "bottoms", ["Grey"], ["M", "L"], 4900),
        new("Ridgeline Hiking Shorts", "Ridgeline", "bottoms", ["Green"], ["32"], 3900),
        new("Solace Linen Trousers", "Solace", "bottoms", ["White"], ["30", "32"], 8900),
        new("Tundra Down Parka", "Tundra", "outerwear", ["Black", "Navy"], ["M", "L"], 34900, "Warm goose down for winter."),
        new("Ridgeline Rain Jacket", "Ridgeline", "outerwear", ["Yellow", "Blue"], ["S", "M", "L"], 15900, "Waterproof shell for wet hikes."),
        new("Harbor Waxed Cotton Jacket", "Harbor", "outerwear", ["Green"], ["M", "L"], 24900),
        new("Kestrel Puffer Vest", "Kestrel", "outerwear", ["Red"], ["M"], 9900),
        new("Vantage Denim Jacket", "Vantage", "outerwear", ["Blue"], ["S", "M", "L"], 11900),
        new("Solace Wool Coat", "Solace", "outerwear", ["Camel"], ["M", "L"], 42900),
        new("Orbit Windbreaker", "Orbit", "outerwear", ["Black"], ["M"], 7900),
        new("Nimbus Packable Raincoat", "Nimbus", "outerwear", ["Yellow"], ["S", "M"], 8900, "Waterproof and packs into its own pocket."),
        new("Harbor Canvas Tote Bag", "Harbor", "bags", ["Beige"], [], 2900),
        new("Ridgeline Trekking Backpack", "Ridgeline", "bags", ["Grey"], [], 12900, "A 40 litre pack for multi-day hikes."),
        new("Orbit Laptop Backpack", "Orbit", "bags", ["Black"], [], 8900),
        new("Vantage Leather Messenger Bag", "Vantage", "bags", ["Brown"], [], 19900),
        new("Tundra Duffel Bag", "Tundra", "bags", ["Black"], [], 10900),
        new("Solace Crossbody Bag", "Solace", "bags", ["Red"], [], 6900),
        new("Nimbus Wool Beanie", "Nimbus", "hats", ["Grey"], [], 1900),
        new("Kestrel Baseball Cap", "Kestrel", "hats", ["Navy", "Black"], [], 2200),
        new("Harbor Straw Sun Hat", "Harbor", "hats", ["Beige"], [], 3400),
        new("Ridgeline Bucket Hat", "Ridgeline", "hats", ["Green"], [], 2800),
        new("Orbit Trucker Cap", "Orbit", "hats", ["Black"], [], 2400),
        new("Tundra Fleece Balaclava", "Tundra", "hats", ["Black"], [], 2100),
        new("Vantage Merino Socks", "Vantage", "socks", ["Grey"], ["S", "M", "L"], 1500),
        new("Ridgeline Hiking Socks", "Ridgeline", "socks", ["Green"], ["M", "L"], 1800),
        new("Nimbus Ankle Socks", "Nimbus", "socks", ["White"], ["S", "M"], 900),
        new("Kestrel Compression Socks", "Kestrel", "socks", ["Black"], ["M"], 2500),
        new("Solace Silk Scarf", "Solace", "hats", ["Red"], [], 8900),
        new("Orbit Reflective Running Jacket", "Orbit", "outerwear", ["Black"], ["M", "L"], 9900),
        new("Kestrel Trail Running Shoes", "Kestrel", "sneakers", ["Blue"], ["42", "43"], 12900),
        new("Nimbus Slip-On Sneakers", "Nimbus", "sneakers", ["Black", "White"], ["40", "41", "42"], 5500),
        new("Tundra Snow Boots", "Tundra", "boots", ["Grey"], ["41", "42"], 16900),
        new("Vantage Chukka Boots", "Vantage", "boots", ["Brown"], ["42", "43"], 14900),
        new("Harbor Striped Polo", "Harbor", "tops", ["Navy", "White"], ["M", "L"], 4400),
        new("Solace Cotton Cardigan", "Solace", "tops", ["Beige"], ["S", "M"], 9900),
        new("Ridgeline Softshell Jacket", "Ridgeline", "outerwear", ["Grey"], ["M", "L", "XL"], 13900),
        new("Orbit Cargo Shorts", "Orbit", "bottoms", ["Beige"], ["32", "34"], 4200),
    ];

    /// <summary>Query, what it exercises, the products expected in the top 3, and the correction expected (if any).</summary>
    public static readonly IReadOnlyList<(string Query, string Kind, string[] Top, string? Corrected)> Queries =
    [
        ("Harbor Linen Shirt", "exact", ["Harbor Linen Shirt"], null),
        ("Tundra Down Parka", "exact", ["Tundra Down Parka"], null),
        ("denim jacket", "exact", ["Vantage Denim Jacket"], null),
        ("cashmere", "exact", ["Solace Cashmere Sweater"], null),
        ("trousers", "exact", ["Solace Linen Trousers"], null),
        ("chelsea", "exact", ["Harbor Leather Chelsea Boots"], null),
        ("cashm", "prefix", ["Solace Cashmere Sweater"], null),
        ("backp", "prefix", ["Ridgeline Trekking Backpack", "Orbit Laptop Backpack"], null),
        ("bala", "prefix", ["Tundra Fleece Balaclava"], null),
        ("wind", "prefix", ["Orbit Windbreaker"], null),
        ("chelsae boots", "typo", ["Harbor Leather Chelsea Boots"], "chelsea boots"),
        ("cashmire", "typo", ["Solace Cashmere Sweater"], "cashmere"),
        ("balaclave", "typo", ["Tundra Fleece Balaclava"], "balaclava"),
        ("blu oxford shirt", "typo", ["Nimbus Blue Oxford Shirt"], "blue oxford shirt"),
        ("wintr boots", "typo", ["Tundra Insulated Winter Boots"], "winter boots"),
        ("hodie", "typo", ["Orbit Zip Hoodie", "Ridgeline Fleece Hoodie"], "hoodie"),
        ("parkka", "typo", ["Tundra Down Parka"], "parka"),
        ("merino socks", "multi-word", ["Vantage Merino Socks"], null),
        ("waterproof jacket", "multi-word", ["Ridgeline Rain Jacket"], null),
        ("hiking", "multi-word", ["Ridgeline Summit Hiking Boots", "Ridgeline Hiking Shorts", "Ridgeline Hiking Socks"], null),
        ("leather boots", "multi-word", ["Harbor Leather Chelsea Boots"], null),
        ("linen", "multi-word", ["Harbor Linen Shirt", "Solace Linen Trousers"], null),
        ("ridgeline jacket", "brand + type", ["Ridgeline Rain Jacket", "Ridgeline Softshell Jacket"], null),
        ("nimbus sneakers", "brand + type", ["Nimbus Cloud Runner Sneakers", "Nimbus Street Sneakers", "Nimbus Slip-On Sneakers"], null),
        ("orbit cap", "brand + type", ["Orbit Trucker Cap"], null),
        ("kestrel socks", "brand + type", ["Kestrel Compression Socks"], null),
    ];

    public static async Task InsertAsync(ShopDbContext db)
    {
        var categories = await db.Categories.ToDictionaryAsync(c => c.Slug, c => c.Id);
        var epoch = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var products = Products.Select((item, n) =>
        {
            var description = $"{item.Extra} Available in {string.Join(", ", item.Colors).ToLowerInvariant()}.".Trim();
            var sizes = item.Sizes.Length == 0 ? new string?[] { null } : item.Sizes;
            var variants = item.Colors.SelectMany(color => sizes.Select(size => (color, size))).Select((v, i) => new ProductVariant
            {
                Sku = $"REL-{n:D3}-{i}",
                Name = v.size is null ? v.color : $"{v.color} / {v.size}",
                PriceMinor = item.Price + (i * 100),
                Position = i,
                OptionValues = v.size is null ? [new("Color", v.color)] : [new("Color", v.color), new("Size", v.size)],
                Stock = new StockLevel { OnHand = 10 },
            }).ToList();
            var product = new Product
            {
                Slug = $"relevance-{n}",
                Name = item.Name,
                Brand = item.Brand,
                Description = description,
                CategoryId = categories[item.Category],
                CreatedAt = epoch.AddHours(n),
                UpdatedAt = epoch,
                Variants = variants,
            };
            product.RefreshPriceRange();
            return product;
        }).ToList();
        db.Products.AddRange(products);
        await db.SaveChangesAsync();
    }
}

/// <summary>The demo categories and only the 60 relevance products.</summary>
public class RelevanceApiFactory : ShopApiFactory, IAsyncLifetime
{
    public override int Products => 0;

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var contexts = Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        await RelevanceFixture.InsertAsync(db);
    }
}

public sealed class PostgresRelevanceApiFactory : RelevanceApiFactory;

public sealed class SqliteRelevanceApiFactory : RelevanceApiFactory
{
    public override TestDatabaseKind Database => TestDatabaseKind.Sqlite;
}

public abstract class RelevanceTests(RelevanceApiFactory factory)
{
    public static TheoryData<string> QueryTexts()
    {
        var data = new TheoryData<string>();
        foreach (var query in RelevanceFixture.Queries)
        {
            data.Add(query.Query);
        }
        return data;
    }

    [Fact]
    public void The_fixture_has_60_products_and_at_least_20_queries_of_every_kind()
    {
        Assert.Equal(60, RelevanceFixture.Products.Count);
        Assert.True(RelevanceFixture.Queries.Count >= 20);
        Assert.Equal(["brand + type", "exact", "multi-word", "prefix", "typo"], RelevanceFixture.Queries.Select(q => q.Kind).Distinct().Order());
    }

    [Theory]
    [MemberData(nameof(QueryTexts))]
    public async Task The_expected_products_come_first(string query)
    {
        var (_, _, top, corrected) = RelevanceFixture.Queries.Single(q => q.Query == query);

        var response = await factory.CreateClient().GraphQLAsync(
            "query($q: String!) { search(input: { query: $q, first: 10 }) { totalCount correctedQuery hits { nodes { name } } } }",
            new { q = query });

        var search = response.OkData()["search"]!;
        var names = search["hits"]!["nodes"]!.AsArray().Select(n => n!["name"]!.GetValue<string>()).ToList();
        Assert.True(names.Count >= top.Length, $"\"{query}\" found only [{string.Join(", ", names)}]");
        Assert.Equal(top.Order(), names.Take(top.Length).Order());
        Assert.Equal(corrected, search["correctedQuery"]?.GetValue<string>());
    }
}

public sealed class PostgresRelevanceTests(PostgresRelevanceApiFactory factory)
    : RelevanceTests(factory), IClassFixture<PostgresRelevanceApiFactory>;

public sealed class SqliteRelevanceTests(SqliteRelevanceApiFactory factory)
    : RelevanceTests(factory), IClassFixture<SqliteRelevanceApiFactory>;
