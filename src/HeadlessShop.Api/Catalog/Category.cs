using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HeadlessShop.Api.Catalog;

public sealed class Category
{
    public long Id { get; set; }
    public long? ParentId { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public int Position { get; set; }
}

internal sealed class CategoryEntityTypeConfiguration : IEntityTypeConfiguration<Category>
{
    public void Configure(EntityTypeBuilder<Category> builder)
    {
        builder.ToTable("categories");
        builder.Property(c => c.Slug).HasMaxLength(200);
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.HasIndex(c => c.Slug).IsUnique();
        builder.HasIndex(c => c.ParentId);
        builder.HasOne<Category>().WithMany().HasForeignKey(c => c.ParentId).OnDelete(DeleteBehavior.Restrict);
    }
}
