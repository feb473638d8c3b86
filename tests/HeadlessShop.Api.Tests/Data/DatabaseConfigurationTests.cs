using HeadlessShop.Api.Data;
using Npgsql;

namespace HeadlessShop.Api.Tests.Data;

public sealed class DatabaseConfigurationTests
{
    [Fact]
    public void Auto_prepare_is_turned_on_unless_the_operator_chose_a_value()
    {
        var defaulted = new NpgsqlConnectionStringBuilder(DatabaseServiceCollectionExtensions.WithAutoPrepare("Host=db;Database=shop"));
        Assert.Equal(64, defaulted.MaxAutoPrepare);
        Assert.Equal("db", defaulted.Host);

        var chosen = new NpgsqlConnectionStringBuilder(DatabaseServiceCollectionExtensions.WithAutoPrepare("Host=db;Max Auto Prepare=5"));
        Assert.Equal(5, chosen.MaxAutoPrepare);
    }
}
