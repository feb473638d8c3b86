using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Catalog.Caching;
using HeadlessShop.Api.Customers;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HeadlessShop.Api.Admin;

/// <summary>Audit row of one stock adjustment: who changed on hand, when, by how much, to what, and why.</summary>
public sealed class StockAdjustment
{
    public long Id { get; set; }
    public long VariantId { get; set; }

    /// <summary>The staff account that adjusted (null once that account is deleted).</summary>
    public long? AdjustedBy { get; set; }

    public int Delta { get; set; }
    public int OnHandAfter { get; set; }
    public required string Reason { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class StockAdjustmentEntityTypeConfiguration : IEntityTypeConfiguration<StockAdjustment>
{
    public void Configure(EntityTypeBuilder<StockAdjustment> builder)
    {
        builder.ToTable("stock_adjustments");
        builder.Property(a => a.Reason).HasMaxLength(StockAdjustments.MaxReasonLength);
        // No foreign key to the variant: the audit trail outlives a deleted variant.
        builder.HasIndex(a => new { a.VariantId, a.CreatedAt });
        builder.HasOne<Customer>().WithMany().HasForeignKey(a => a.AdjustedBy).OnDelete(DeleteBehavior.SetNull);
    }
}

public sealed record StockAdjustInput(string VariantId, int? Delta, int? OnHand, string Reason);

public sealed record StockAdjustResult(ProductVariant? Variant, StockAdjustment? Adjustment, IReadOnlyList<UserError> UserErrors);

/// <summary>
/// Staff stock changes. A delta is one conditional UPDATE (<c>on_hand + delta &gt;= reserved</c>), so concurrent
/// adjustments serialize on the row and none is lost; an absolute on hand is a compare-and-set on the value just read,
/// retried a few times under contention. The audit row and the availability event commit in the same transaction.
/// </summary>
public sealed class StockAdjustments(
    IDbContextFactory<ShopDbContext> contexts,
    ICurrentCustomer caller,
    IProductPageStore pages,
    ListingSnapshotCache snapshots,
    OutboxSignal outbox,
    TimeProvider time)
{
    public const int MaxReasonLength = 500;
    public const int MaxOnHand = 1_000_000_000;
    private const int MaxSetAttempts = 10;

    public async Task<StockAdjustResult> AdjustAsync(StockAdjustInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new List<UserError>();
        if (!GlobalId.TryDecode(input.VariantId, out var kind, out var variantId) || kind != NodeKind.ProductVariant)
        {
            errors.Add(UserError.Invalid("Not a product variant id.", "input", "variantId"));
        }
        if ((input.Delta is null) == (input.OnHand is null))
        {
            errors.Add(UserError.Invalid("Give exactly one of delta and onHand.", "input", input.Delta is null ? "delta" : "onHand"));
        }
        else if (input.Delta is { } d && (d == 0 || Math.Abs((long)d) > MaxOnHand))
        {
            errors.Add(UserError.Invalid($"delta must be non-zero and at most {MaxOnHand} either way.", "input", "delta"));
        }
        else if (input.OnHand is < 0 or > MaxOnHand)
        {
            errors.Add(UserError.Invalid($"onHand must be between 0 and {MaxOnHand}.", "input", "onHand"));
        }
        if (string.IsNullOrWhiteSpace(input.Reason) || input.Reason.Length > MaxReasonLength)
        {
            errors.Add(UserError.Invalid($"Say why (1-{MaxReasonLength} characters): the reason goes into the audit trail.", "input", "reason"));
        }
        if (errors.Count > 0)
        {
            return new StockAdjustResult(null, null, errors);
        }

        var now = time.GetUtcNow().UtcDateTime;
        StockAdjustment adjustment;
        long productId;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var variant = await db.ProductVariants.Where(v => v.Id == variantId && db.Products.Any(p => p.Id == v.ProductId && p.DeletedAt == null))
                .Select(v => new { v.ProductId }).FirstOrDefaultAsync(cancellationToken);
            if (variant is null)
            {
                return new StockAdjustResult(null, null, [UserError.NotFound("No such product variant.", "input", "variantId")]);
            }
            productId = variant.ProductId;
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO stock_levels (variant_id, on_hand, reserved, version) VALUES ({variantId}, 0, 0, 0) ON CONFLICT (variant_id) DO NOTHING",
                cancellationToken);

            int delta;
            int? after;
            if (input.Delta is { } change)
            {
                delta = change;
                after = await SingleOrNullAsync(db.Database.SqlQuery<int>(
                    $"UPDATE stock_levels SET on_hand = on_hand + {change}, version = version + 1 WHERE variant_id = {variantId} AND on_hand + {change} >= reserved AND on_hand + {change} <= {MaxOnHand} RETURNING on_hand AS \"Value\""),
                    cancellationToken);
            }
            else
            {
                (delta, after) = await SetAsync(db, variantId, input.OnHand!.Value, cancellationToken);
            }
            if (after is null)
            {
                var stock = await db.StockLevels.Where(s => s.VariantId == variantId).Select(s => new { s.OnHand, s.Reserved }).FirstAsync(cancellationToken);
                var field = input.Delta is null ? "onHand" : "delta";
                return new StockAdjustResult(null, null,
                [
                    UserError.Invalid(
                        $"On hand would fall below the {stock.Reserved} unit(s) reserved by unpaid orders (on hand is {stock.OnHand}).", "input", field),
                ]);
            }
            adjustment = new StockAdjustment
            {
                VariantId = variantId,
                AdjustedBy = caller.Id,
                Delta = delta,
                OnHandAfter = after.Value,
                Reason = input.Reason.Trim(),
                CreatedAt = now,
            };
            db.Add(adjustment);
            db.EnqueueAvailabilityChanged(productId, variantId, now);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        outbox.Notify();
        snapshots.Invalidate(productId);
        await pages.InvalidateAsync(productId, cancellationToken);
        await using var read = await contexts.CreateDbContextAsync(cancellationToken);
        var updated = await read.ProductVariants.Include(v => v.Stock).FirstOrDefaultAsync(v => v.Id == variantId, cancellationToken);
        return new StockAdjustResult(updated, adjustment, []);
    }

    /// <summary>Sets on hand to <paramref name="onHand"/>; the delta is from the value the winning write replaced.</summary>
    private static async Task<(int Delta, int? After)> SetAsync(ShopDbContext db, long variantId, int onHand, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxSetAttempts; attempt++)
        {
            var current = await db.StockLevels.Where(s => s.VariantId == variantId).Select(s => s.OnHand).FirstAsync(cancellationToken);
            var after = await SingleOrNullAsync(db.Database.SqlQuery<int>(
                $"UPDATE stock_levels SET on_hand = {onHand}, version = version + 1 WHERE variant_id = {variantId} AND on_hand = {current} AND {onHand} >= reserved RETURNING on_hand AS \"Value\""),
                cancellationToken);
            if (after is not null)
            {
                return (onHand - current, after);
            }
            var reserved = await db.StockLevels.Where(s => s.VariantId == variantId).Select(s => new { s.OnHand, s.Reserved }).FirstAsync(cancellationToken);
            if (onHand < reserved.Reserved)
            {
                return (0, null);
            }
        }
        throw new DbUpdateConcurrencyException($"Stock of variant {variantId} kept changing; {MaxSetAttempts} attempts to set it failed.");
    }

    // Not composed (no FirstOrDefault): EF would wrap an UPDATE ... RETURNING in a sub-select.
    private static async Task<int?> SingleOrNullAsync(IQueryable<int> query, CancellationToken cancellationToken)
    {
        var rows = await query.ToListAsync(cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }
}
