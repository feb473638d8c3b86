using HeadlessShop.Api.Data;
using Npgsql;

namespace HeadlessShop.Api.Tests.Data;

public sealed class DatabaseConfigurationTests
{
    private const string Lookups = "-c plan_cache_mode=force_generic_plan -c enable_hashjoin=off -c enable_mergejoin=off";

    [Fact]
    public void Auto_prepare_and_multiplexing_are_turned_on_unless_the_operator_chose_values()
    {
        var defaulted = new NpgsqlConnectionStringBuilder(DatabaseServiceCollectionExtensions.WithServingDefaults("Host=db;Database=shop"));
        Assert.Equal((64, true, "db"), (defaulted.MaxAutoPrepare, defaulted.Multiplexing, defaulted.Host));

        var chosen = new NpgsqlConnectionStringBuilder(DatabaseServiceCollectionExtensions.WithServingDefaults("Host=db;Max Auto Prepare=5;Multiplexing=false"));
        Assert.Equal((5, false), (chosen.MaxAutoPrepare, chosen.Multiplexing));
    }

    [Theory]
    [InlineData("Host=db;Database=shop", 50, 50)]
    [InlineData("Host=db;Database=shop;Maximum Pool Size=64", 32, 32)]
    [InlineData("Host=db;Database=shop;Maximum Pool Size=7", 4, 3)]
    public void The_lookup_pool_plans_generically_and_shares_the_operators_connection_limit(string connectionString, int general, int lookups)
    {
        var (generalPool, lookupPool) = Split(connectionString);

        Assert.Equal((general, lookups), (generalPool.MaxPoolSize, lookupPool.MaxPoolSize));
        Assert.Equal(Lookups, lookupPool.Options);
        Assert.Null(generalPool.Options);
        Assert.Equal(("db", "shop"), (lookupPool.Host, lookupPool.Database));
    }

    [Fact]
    public void The_lookup_pool_keeps_the_operators_options_and_their_own_plan_cache_mode()
    {
        var (generalPool, lookupPool) = Split("Host=db;Options=-c search_path=shop");
        Assert.Equal(("-c search_path=shop", "-c search_path=shop " + Lookups), (generalPool.Options, lookupPool.Options));

        var (_, chosen) = Split("Host=db;Options=-c plan_cache_mode=auto");
        Assert.Equal("-c plan_cache_mode=auto -c enable_hashjoin=off -c enable_mergejoin=off", chosen.Options);
    }

    [Fact]
    public void A_pool_of_one_connection_is_not_split()
    {
        var (generalPool, lookupPool) = Split("Host=db;Maximum Pool Size=1;Minimum Pool Size=1");
        Assert.Equal((1, 1), (generalPool.MaxPoolSize, generalPool.MinPoolSize));
        Assert.Equal(generalPool.ConnectionString, lookupPool.ConnectionString);
    }

    private static (NpgsqlConnectionStringBuilder General, NpgsqlConnectionStringBuilder Lookups) Split(string connectionString)
    {
        var (general, lookups) = DatabaseServiceCollectionExtensions.SplitForLookups(connectionString);
        return (new NpgsqlConnectionStringBuilder(general), new NpgsqlConnectionStringBuilder(lookups));
    }
}
