using System.Globalization;
using System.Text;
using HeadlessShop.Api.Customers;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HeadlessShop.Api.Admin;

public sealed record AdminOrderFilter(OrderStatus? Status = null, DateTime? CreatedAfter = null, DateTime? CreatedBefore = null, string? Email = null);

/// <summary>Staff lists of orders and customers: newest first, keyset-paginated on (created_at, id), forward only.</summary>
public sealed class AdminQueries(IDbContextFactory<ShopDbContext> contexts)
{
    public const int MaxQueryLength = 254;

    public async Task<Connection<Order>> OrdersAsync(AdminOrderFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(page);
        RequireForward(page);
        if (filter.Email?.Length > MaxQueryLength)
        {
            throw new BadUserInputException($"\"filter.email\" is at most {MaxQueryLength} characters.", "filter");
        }
        var position = page.Cursor is null ? null : OrderCursor.Decode(page.Cursor);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = Filtered(db, filter);
        if (position is { } p)
        {
            query = query.Where(o => o.CreatedAt < p.CreatedAt || (o.CreatedAt == p.CreatedAt && o.Id < p.Id));
        }
        var rows = page.Size == 0 ? [] : await query.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).Take(page.Size + 1).ToListAsync(cancellationToken);
        return Connection<Order>.FromSlice(rows, page, OrderCursor.Encode, async ct =>
        {
            await using var countDb = await contexts.CreateDbContextAsync(ct);
            return await Filtered(countDb, filter).CountAsync(ct);
        });
    }

    /// <summary>Customers whose email or name contains <paramref name="search"/> (case-insensitive); everyone when it is empty.</summary>
    public async Task<Connection<Customer>> CustomersAsync(string? search, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        RequireForward(page);
        if (search?.Length > MaxQueryLength)
        {
            throw new BadUserInputException($"\"query\" is at most {MaxQueryLength} characters.", "query");
        }
        var position = page.Cursor is null ? null : CustomerCursor.Decode(page.Cursor);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = Matching(db, search);
        if (position is { } p)
        {
            query = query.Where(c => c.CreatedAt < p.CreatedAt || (c.CreatedAt == p.CreatedAt && c.Id < p.Id));
        }
        var rows = page.Size == 0 ? [] : await query.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id).Take(page.Size + 1).ToListAsync(cancellationToken);
        return Connection<Customer>.FromSlice(rows, page, CustomerCursor.Encode, async ct =>
        {
            await using var countDb = await contexts.CreateDbContextAsync(ct);
            return await Matching(countDb, search).CountAsync(ct);
        });
    }

    private static void RequireForward(PageRequest page)
    {
        if (page.Backward)
        {
            throw new BadUserInputException("This list pages forward only: use first/after.", "last");
        }
    }

    private static IQueryable<Order> Filtered(ShopDbContext db, AdminOrderFilter filter)
    {
        var query = db.Set<Order>().AsQueryable();
        if (filter.Status is { } status)
        {
            query = query.Where(o => o.Status == status);
        }
        if (filter.CreatedAfter is { } after)
        {
            query = query.Where(o => o.CreatedAt >= after);
        }
        if (filter.CreatedBefore is { } before)
        {
            query = query.Where(o => o.CreatedAt < before);
        }
        if (!string.IsNullOrWhiteSpace(filter.Email))
        {
            var email = filter.Email.Trim().ToUpperInvariant();
            query = query.Where(o => o.Email.ToUpper() == email);
        }
        return query;
    }

    private static IQueryable<Customer> Matching(ShopDbContext db, string? search)
    {
        var query = db.Customers.AsQueryable();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var text = search.Trim().ToUpperInvariant();
            query = query.Where(c => c.NormalizedEmail.Contains(text)
                || (c.FirstName != null && c.FirstName.ToUpper().Contains(text))
                || (c.LastName != null && c.LastName.ToUpper().Contains(text)));
        }
        return query;
    }
}

internal sealed record CustomerCursor(DateTime CreatedAt, long Id)
{
    public static string Encode(Customer customer) =>
        OpaqueToken.Encode(Encoding.UTF8.GetBytes(FormattableString.Invariant($"c1|{customer.CreatedAt.Ticks}|{customer.Id}")));

    public static CustomerCursor Decode(string cursor)
    {
        if (OpaqueToken.TryDecode(cursor, out var payload))
        {
            var parts = Encoding.UTF8.GetString(payload).Split('|');
            if (parts.Length == 3 && parts[0] == "c1"
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTime.MaxValue.Ticks
                && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return new CustomerCursor(new DateTime(ticks, DateTimeKind.Utc), id);
            }
        }
        throw new BadUserInputException("\"after\" is not a cursor of this list.", "after");
    }
}

/// <summary>Indexes for the staff lists (newest first): orders and customers by (created_at, id).</summary>
internal sealed class AdminListIndexesConfiguration : IEntityTypeConfiguration<Order>, IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Order> builder) => builder.HasIndex(o => new { o.CreatedAt, o.Id });

    public void Configure(EntityTypeBuilder<Customer> builder) => builder.HasIndex(c => new { c.CreatedAt, c.Id });
}
