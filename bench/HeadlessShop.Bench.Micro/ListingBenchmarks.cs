using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using GraphQL;
using GraphQL.Types;
using HeadlessShop.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Bench.Micro;

/// <summary>
/// The listing query in-process, without HTTP: execution + DataLoaders (SQLite, embedded mode) + serialization,
/// with allocations per request. Run: dotnet run -c Release --project bench/HeadlessShop.Bench.Micro
/// </summary>
[MemoryDiagnoser]
public class ListingBenchmarks
{
    internal const string Listing = """
        query Listing($first: Int!) { products(first: $first) { nodes {
          id slug name availableForSale priceRange { min { amount currencyCode } } images { url altText } category { name slug }
          variants { id sku name price { amount currencyCode } quantityAvailable availableForSale selectedOptions { name value } } } } }
        """;

    private readonly string _database = Path.Combine(Path.GetTempPath(), $"hs-micro-{Guid.NewGuid():N}.db");
    private WebApplication _app = null!;
    private IDocumentExecuter<ISchema> _executer = null!;
    private IGraphQLTextSerializer _serializer = null!;
    private Inputs _variables = null!;

    [Params(20, 100)]
    public int First { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _app = ShopApplication.Build([
            "--urls", "http://127.0.0.1:0",
            $"--ConnectionStrings:Sqlite=Data Source={_database}",
            "--HeadlessShop:DemoCatalogProducts=200",
            "--Logging:LogLevel:Default=Warning",
        ]);
        _app.StartAsync().GetAwaiter().GetResult();
        _executer = _app.Services.GetRequiredService<IDocumentExecuter<ISchema>>();
        _serializer = _app.Services.GetRequiredService<IGraphQLTextSerializer>();
        _variables = _serializer.Deserialize<Inputs>($$"""{"first": {{First}}}""")!;
    }

    [Benchmark]
    public async Task ExecuteAndSerialize()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var result = await _executer.ExecuteAsync(new ExecutionOptions { Query = Listing, Variables = _variables, RequestServices = scope.ServiceProvider });
        if (result.Errors is { Count: > 0 })
        {
            throw new InvalidOperationException(result.Errors[0].Message);
        }
        await _serializer.WriteAsync(Stream.Null, result);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _app.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)_app).Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_database);
    }
}

public static class MicroProgram
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(MicroProgram).Assembly).Run(args);
}
