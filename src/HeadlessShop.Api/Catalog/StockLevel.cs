using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HeadlessShop.Api.Catalog;

/// <summary>Stock of one variant. Units for sale now are <see cref="OnHand"/> minus <see cref="Reserved"/>.</summary>
public sealed class StockLevel
{
    public long VariantId { get; set; }
    public int OnHand { get; set; }
    public int Reserved { get; set; }

    /// <summary>Bumped on every change; optimistic concurrency token for read-modify-write paths.</summary>
    public long Version { get; set; }

    public int Available => Math.Max(0, OnHand - Reserved);
}

internal sealed class StockLevelEntityTypeConfiguration : IEntityTypeConfiguration<StockLevel>
{
    public void Configure(EntityTypeBuilder<StockLevel> builder)
    {
        builder.HasKey(s => s.VariantId);
        builder.Property(s => s.VariantId).ValueGeneratedNever();
        builder.Property(s => s.Version).IsConcurrencyToken();
        builder.Ignore(s => s.Available);
        builder.ToTable(t =>
        {
            t.HasCheckConstraint("ck_stock_levels_on_hand_nonnegative", "on_hand >= 0");
            t.HasCheckConstraint("ck_stock_levels_reserved_within_on_hand", "reserved >= 0 AND reserved <= on_hand");
        });
    }
}
