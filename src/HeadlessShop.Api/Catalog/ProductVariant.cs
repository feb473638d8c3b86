using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

using HeadlessShop.Api.Common;

namespace HeadlessShop.Api.Catalog;

public sealed class ProductVariant
{
    public long Id { get; set; }
    public long ProductId { get; set; }
    public required string Sku { get; set; }
    public required string Name { get; set; }
    public long PriceMinor { get; set; }
    public long? CompareAtPriceMinor { get; set; }
    public CurrencyCode Currency { get; set; } = CurrencyCode.USD;
    public int Position { get; set; }

    /// <summary>The option values that tell this variant apart, e.g. color=Red, size=M, in option order.</summary>
    public List<SelectedOption> OptionValues { get; set; } = [];

    public StockLevel? Stock { get; set; }
}

public sealed record SelectedOption(string Name, string Value);

internal sealed class ProductVariantEntityTypeConfiguration : IEntityTypeConfiguration<ProductVariant>
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<ProductVariant> builder)
    {
        builder.ToTable("product_variants");
        builder.Property(v => v.Sku).HasMaxLength(100);
        builder.Property(v => v.Name).HasMaxLength(300);
        builder.Property(v => v.Currency).HasConversion<string>().HasMaxLength(3);
        builder.HasIndex(v => v.Sku).IsUnique();
        builder.HasIndex(v => new { v.ProductId, v.Position });
        builder.HasOne<Product>().WithMany(p => p.Variants).HasForeignKey(v => v.ProductId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(v => v.Stock).WithOne().HasForeignKey<StockLevel>(s => s.VariantId).OnDelete(DeleteBehavior.Cascade);

        // Option values travel with the variant row (one JSON text column) so reading a variant never needs a join.
        builder.Property(v => v.OptionValues)
            .HasConversion(
                v => JsonSerializer.Serialize(v, JsonOptions),
                s => SelectedOptionsJson.Parse(s),
                new ValueComparer<List<SelectedOption>>(
                    (a, b) => (a == null && b == null) || (a != null && b != null && a.SequenceEqual(b)),
                    v => v.Aggregate(0, (h, o) => HashCode.Combine(h, o.GetHashCode())),
                    v => v.ToList()));
    }
}

/// <summary>
/// Reads a variant's option values column (<c>[{"name":"Size","value":"M"}]</c>, as written with web defaults). Every
/// listing and product page materialises it for each variant, so it is read with <see cref="Utf8JsonReader"/> into just
/// the list and its records, without the serializer's per-call state for constructor-bound records.
/// </summary>
internal static class SelectedOptionsJson
{
    private const int StackLimit = 512;

    public static List<SelectedOption> Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var max = System.Text.Encoding.UTF8.GetMaxByteCount(json.Length);
        byte[]? rented = null;
        var buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var length = System.Text.Encoding.UTF8.GetBytes(json, buffer);
            return Read(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static List<SelectedOption> Read(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        var options = new List<SelectedOption>(4);
        if (!reader.Read() || reader.TokenType == JsonTokenType.Null)
        {
            return options;
        }
        Expect(ref reader, JsonTokenType.StartArray);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            Expect(ref reader, JsonTokenType.StartObject);
            string? name = null;
            string? value = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                Expect(ref reader, JsonTokenType.PropertyName);
                // Property names match case-insensitively, as the web defaults the column was written with.
                var isName = !reader.ValueIsEscaped && System.Text.Ascii.EqualsIgnoreCase(reader.ValueSpan, "name"u8);
                var isValue = !reader.ValueIsEscaped && System.Text.Ascii.EqualsIgnoreCase(reader.ValueSpan, "value"u8);
                reader.Read();
                if (isName)
                {
                    name = reader.GetString();
                }
                else if (isValue)
                {
                    value = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }
            options.Add(new SelectedOption(name ?? string.Empty, value ?? string.Empty));
        }
        return options;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (reader.TokenType != type)
        {
            throw new JsonException($"Option values: expected {type}, found {reader.TokenType}.");
        }
    }
}
