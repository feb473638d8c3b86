using HeadlessShop.Api.Data;
using Npgsql;

namespace HeadlessShop.Api.Tests.Data;

public sealed class DatabaseConfigurationTests
{
    [Fact]
    public void Auto_prepare_and_multiplexing_are_turned_on_unless_the_operator_chose_values()
    {
        var defaulted = new NpgsqlConnectionStringBuilder(DatabaseServiceCollectionExtensions.WithServingDefaults("Host=db;Database=shop"));
        Assert.Equal((64, true, "db"), (defaulted.MaxAutoPrepare, defaulted.Multiplexing, defaulted.Host));

        var chosen = new NpgsqlConnectionStringBuilder(DatabaseServiceCollectionExtensions.WithServingDefaults("Host=db;Max Auto Prepare=5;Multiplexing=false"));
        Assert.Equal((5, false), (chosen.MaxAutoPrepare, chosen.Multiplexing));
    }
}
