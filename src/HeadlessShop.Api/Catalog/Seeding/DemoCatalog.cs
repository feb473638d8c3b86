namespace HeadlessShop.Api.Catalog.Seeding;

/// <summary>
/// A deterministic catalog: product number N always has the same slug, name, variants, prices and stock, so
/// seeding is repeatable and idempotent, and tests and benchmarks can name products they expect.
/// </summary>
public static class DemoCatalog
{
    public sealed record CategorySeed(string Slug, string Name, string? ParentSlug, string[] Nouns, string[] Sizes);

    public static readonly IReadOnlyList<CategorySeed> Categories =
    [
        new("clothing", "Clothing", null, [], []),
        new("tops", "Tops", "clothing", ["T-Shirt", "Shirt", "Polo", "Hoodie", "Sweater"], ["S", "M", "L", "XL"]),
        new("bottoms", "Bottoms", "clothing", ["Jeans", "Chinos", "Shorts", "Joggers"], ["28", "30", "32", "34", "36"]),
        new("outerwear", "Outerwear", "clothing", ["Jacket", "Parka", "Raincoat", "Vest"], ["S", "M", "L", "XL"]),
        new("footwear", "Footwear", null, [], []),
        new("sneakers", "Sneakers", "footwear", ["Sneakers", "Runners", "Trainers"], ["40", "41", "42", "43", "44", "45"]),
        new("boots", "Boots", "footwear", ["Boots", "Chelsea Boots", "Hiking Boots"], ["40", "41", "42", "43", "44", "45"]),
        new("accessories", "Accessories", null, [], []),
        new("bags", "Bags", "accessories", ["Backpack", "Tote Bag", "Duffel", "Messenger Bag"], []),
        new("hats", "Hats", "accessories", ["Cap", "Beanie", "Bucket Hat"], ["S/M", "L/XL"]),
        new("socks", "Socks", "accessories", ["Socks", "Ankle Socks"], ["S", "M", "L"]),
    ];

    public static readonly IReadOnlyList<string> Brands =
        ["Acme", "Northwind", "Contoso", "Fabrikam", "Tailspin", "Woodgrove", "Litware", "Proseware", "Adatum", "Wingtip"];

    public static readonly IReadOnlyList<string> Colors = ["Black", "White", "Blue", "Red", "Green", "Grey", "Navy", "Beige"];

    private static readonly string[] Adjectives =
        ["Classic", "Urban", "Trail", "Everyday", "Vintage", "Essential", "Coastal", "Alpine", "Studio", "Heritage", "Summit", "Metro"];

    public static readonly IReadOnlyList<(string Slug, string Name)> Collections =
    [
        ("new-arrivals", "New Arrivals"),
        ("best-sellers", "Best Sellers"),
        ("sale", "Sale"),
        ("summer", "Summer Edit"),
        ("gifts", "Gift Ideas"),
    ];

    private static readonly CategorySeed[] LeafCategories = Categories.Where(c => c.ParentSlug is not null).ToArray();

    /// <summary>A product as plain data, before it is attached to database ids.</summary>
    public sealed record ProductSeed(
        int Number,
        string Slug,
        string Name,
        string Description,
        string Brand,
        string CategorySlug,
        IReadOnlyList<string> CollectionSlugs,
        IReadOnlyList<(string Name, IReadOnlyList<string> Values)> Options,
        IReadOnlyList<VariantSeed> Variants,
        IReadOnlyList<string> ImageUrls,
        DateTime CreatedAt);

    public sealed record VariantSeed(string Sku, string Name, long PriceMinor, long? CompareAtPriceMinor, IReadOnlyList<SelectedOption> Options, int OnHand);

    private static readonly DateTime Epoch = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// Builds product number <paramref name="number"/> (1-based) with its natural 1-6 variants, or exactly
    /// <paramref name="variantCount"/> variants (benchmarks compare with peers seeded with 3 per product).
    /// </summary>
    public const int MaxVariants = 8;

    public static ProductSeed Product(int number, int? variantCount = null)
    {
        if (variantCount is < 1 or > MaxVariants)
        {
            throw new ArgumentOutOfRangeException(nameof(variantCount), variantCount, $"between 1 and {MaxVariants} variants per product");
        }
        var random = new SplitMix(number);
        var category = LeafCategories[random.Next(LeafCategories.Length)];
        var brand = Brands[random.Next(Brands.Count)];
        var adjective = Adjectives[random.Next(Adjectives.Length)];
        var noun = category.Nouns[random.Next(category.Nouns.Length)];
        var name = $"{brand} {adjective} {noun}";
        var slug = $"{Slugify(name)}-{number}";

        var colorCount = 1 + random.Next(3);
        var firstColor = random.Next(Colors.Count);
        List<string> sizes = category.Sizes.Length == 0
            ? []
            : category.Sizes.Skip(random.Next(Math.Max(1, category.Sizes.Length - 2))).Take(Math.Max(1, 6 / colorCount)).ToList();
        if (variantCount is { } wanted)
        {
            // Enough colours that colours x sizes covers the wanted count (every category allows at least 8 combinations).
            colorCount = Math.Min(Colors.Count, Math.Max(colorCount, (wanted + Math.Max(1, sizes.Count) - 1) / Math.Max(1, sizes.Count)));
        }
        var colors = Enumerable.Range(0, colorCount).Select(i => Colors[(firstColor + i) % Colors.Count]).ToList();

        var options = new List<(string, IReadOnlyList<string>)> { ("Color", colors) };
        if (sizes.Count > 0)
        {
            options.Add(("Size", sizes));
        }

        var basePrice = 500 + (random.Next(390) * 50L); // 5.00 .. 199.50
        var onSale = random.Next(5) == 0;
        var variants = new List<VariantSeed>();
        foreach (var color in colors)
        {
            IEnumerable<string?> sizeAxis = sizes.Count > 0 ? sizes : new string?[] { null };
            foreach (var size in sizeAxis)
            {
                if (variants.Count == (variantCount ?? 6))
                {
                    break;
                }
                var index = variants.Count + 1;
                var selected = new List<SelectedOption> { new("Color", color) };
                if (size is not null)
                {
                    selected.Add(new("Size", size));
                }
                var price = basePrice + (size is null ? 0 : Array.IndexOf(category.Sizes, size) * 100L);
                var onHand = random.Next(10) == 0 ? 0 : 5 + random.Next(96);
                variants.Add(new VariantSeed(
                    $"{brand[..3].ToUpperInvariant()}-{number:D6}-{index}",
                    size is null ? color : $"{color} / {size}",
                    price,
                    onSale ? price + (price / 4) : null,
                    selected,
                    onHand));
            }
        }

        var collections = Collections.Where((_, i) => random.Next(4) == 0 || (i == 0 && number % 7 == 0)).Select(c => c.Slug).ToList();
        var images = Enumerable.Range(1, 1 + random.Next(3))
            .Select(i => $"https://placehold.co/800x800/png?text={Uri.EscapeDataString(name)}+{i}")
            .ToList();
        var description =
            $"The {name} is a {adjective.ToLowerInvariant()} take on the {noun.ToLowerInvariant()} from {brand}, "
            + $"available in {string.Join(", ", colors).ToLowerInvariant()}.";

        return new ProductSeed(number, slug, name, description, brand, category.Slug, collections, options, variants, images,
            Epoch.AddHours(number));
    }

    public static string Slugify(string text)
    {
        var chars = text.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray();
        return string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Small deterministic PRNG (SplitMix64) so the catalog never changes with the runtime's Random.</summary>
    private struct SplitMix(int seed)
    {
        private ulong _state = (ulong)seed * 0x9E3779B97F4A7C15UL;

        public int Next(int maxExclusive)
        {
            _state += 0x9E3779B97F4A7C15UL;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z % (ulong)maxExclusive);
        }
    }
}
