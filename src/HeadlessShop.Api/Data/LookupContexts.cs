using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Data;

/// <summary>
/// Contexts for statements whose best plan does not depend on their parameter values: lookups and writes by primary
/// or unique key (every DataLoader, the product page, checkout). On PostgreSQL they run on a pool of their own whose
/// connections set <c>plan_cache_mode = force_generic_plan</c>, so each auto-prepared statement is planned once per
/// connection. Left to choose, PostgreSQL re-plans <c>id = ANY($1)</c> on every execution, because the generic plan is
/// costed for 10 keys and so always loses to a custom plan for the 1-3 keys sent: the cart's variant lookup spent
/// 0.35 ms planning for 0.04 ms executing. Statements whose plan does depend on the values (listing filters and
/// keyset ranges, search, the expiry sweep, admin lists) keep the default pool and custom plans.
/// In Embedded mode (SQLite) this is the one factory.
/// </summary>
public sealed class LookupContexts(IDbContextFactory<ShopDbContext> factory) : IDbContextFactory<ShopDbContext>
{
    public ShopDbContext CreateDbContext() => factory.CreateDbContext();

    public Task<ShopDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) => factory.CreateDbContextAsync(cancellationToken);
}
