using System.Text.Json.Nodes;
using HeadlessShop.Api.Tests.GraphQL;
using HeadlessShop.Api.Tests.Infrastructure;
using HeadlessShop.Bench;

namespace HeadlessShop.Api.Tests.Search.Typesense;

/// <summary>The <c>reindex</c> command as an operator runs it: the built executable, its own database, the stand-in.</summary>
public sealed class ReindexCommandTests : IAsyncLifetime
{
    private readonly TypesenseStandIn _typesense = new();
    private PostgresTestDatabase _database = null!;

    private static string ApiDll
    {
        get
        {
            // The API project's own output, same configuration as these tests (it has the runtimeconfig).
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
            return Path.Combine(SchemaTests.RepositoryRoot(), "src", "HeadlessShop.Api", "bin", configuration, "net10.0", "HeadlessShop.Api.dll");
        }
    }

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        await ProcessRunner.RunAsync("dotnet", $"\"{ApiDll}\" migrate", TimeSpan.FromMinutes(2), Environment(typesense: false));
        await ProcessRunner.RunAsync("dotnet", $"\"{ApiDll}\" seed --products 12", TimeSpan.FromMinutes(2), Environment(typesense: false));
    }

    public async Task DisposeAsync()
    {
        _typesense.Dispose();
        await _database.DisposeAsync();
    }

    private Dictionary<string, string> Environment(bool typesense)
    {
        var environment = new Dictionary<string, string>
        {
            ["HeadlessShop__Mode"] = "Production",
            ["ConnectionStrings__Postgres"] = _database.ConnectionString,
            ["ConnectionStrings__Redis"] = TestRedis.ConnectionString,
            ["Redis__KeyPrefix"] = $"hs-test:{Guid.NewGuid():N}:",
            ["Jwt__SigningKey"] = "reindex-command-test-signing-key-32-bytes",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (typesense)
        {
            environment["Typesense__Url"] = _typesense.Url;
            environment["Typesense__ApiKey"] = TypesenseStandIn.ApiKey;
            environment["Typesense__ImportBatchSize"] = "5";
        }
        return environment;
    }

    [Fact]
    public async Task Reindex_imports_every_product_swaps_the_alias_drops_the_old_collection_and_exits_0()
    {
        _typesense.AnswerReindex("products_previous", importDelay: TimeSpan.Zero);

        var result = await ProcessRunner.ExecuteAsync("dotnet", $"\"{ApiDll}\" reindex", TimeSpan.FromMinutes(2), Environment(typesense: true));

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("12 product(s) indexed", result.Output, StringComparison.Ordinal);
        var imports = _typesense.RequestsTo("POST", "/collections/products_");
        Assert.Equal(3, imports.Count); // 12 products, batches of 5
        Assert.Equal(12, imports.Sum(i => i.Body!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length));
        var swapped = JsonNode.Parse(Assert.Single(_typesense.RequestsTo("PUT", "/aliases/products")).Body!)!["collection_name"]!.GetValue<string>();
        Assert.StartsWith($"/collections/{swapped}/documents/import", imports[0].Path, StringComparison.Ordinal);
        Assert.Single(_typesense.RequestsTo("DELETE", "/collections/products_previous"));
    }

    [Fact]
    public async Task Without_Typesense_reindex_says_the_database_engine_needs_none_and_exits_0()
    {
        var result = await ProcessRunner.ExecuteAsync("dotnet", $"\"{ApiDll}\" reindex", TimeSpan.FromMinutes(2), Environment(typesense: false));

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("needs no reindex", result.Output, StringComparison.Ordinal);
        Assert.Empty(_typesense.RequestsTo("POST", "/"));
    }

    [Fact]
    public async Task An_unreachable_Typesense_fails_reindex_with_exit_1_and_a_clear_message()
    {
        _typesense.Stop();

        var result = await ProcessRunner.ExecuteAsync("dotnet", $"\"{ApiDll}\" reindex", TimeSpan.FromMinutes(2), Environment(typesense: true));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: reindex failed", result.Error, StringComparison.Ordinal);
        _typesense.Restart();
    }
}
