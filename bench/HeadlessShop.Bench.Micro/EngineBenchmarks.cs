using BenchmarkDotNet.Attributes;
using GraphQL;
using GraphQL.Types;
using HeadlessShop.Api;
using HeadlessShop.Bench;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Bench.Micro;

/// <summary>
/// The same listing document and payload answered by the bare engine from in-memory objects: the engine's share of
/// the listing's cost, so the data access share is the difference with <see cref="ListingBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"hs-micro-engine-{Guid.NewGuid():N}.db");
    private ServiceProvider _services = null!;
    private IDocumentExecuter<ISchema> _executer = null!;
    private IGraphQLTextSerializer _serializer = null!;
    private Inputs _variables = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Capture the real listing payload once from the embedded app, then serve it from memory.
        var app = ShopApplication.Build(["--urls", "http://127.0.0.1:0", $"--ConnectionStrings:Sqlite=Data Source={_database}",
            "--HeadlessShop:DemoCatalogProducts=200", "--Logging:LogLevel:Default=Warning"]);
        app.StartAsync().GetAwaiter().GetResult();
        var executer = app.Services.GetRequiredService<IDocumentExecuter<ISchema>>();
        var serializer = app.Services.GetRequiredService<IGraphQLTextSerializer>();
        using (var scope = app.Services.CreateScope())
        {
            var result = executer.ExecuteAsync(new ExecutionOptions
            {
                Query = ListingBenchmarks.Listing,
                Variables = serializer.Deserialize<Inputs>("""{"first": 20}"""),
                RequestServices = scope.ServiceProvider,
            }).GetAwaiter().GetResult();
            var payload = serializer.Serialize(result);
            var products = ReferenceServer.LoadProducts(payload);
            var services = new ServiceCollection();
            services.AddSingleton(products);
            services.AddGraphQL(b => b.AddSchema<ReferenceSchema>().AddGraphTypes(typeof(ReferenceSchema).Assembly).AddSystemTextJson());
            _services = services.BuildServiceProvider();
        }
        app.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)app).Dispose();
        _executer = _services.GetRequiredService<IDocumentExecuter<ISchema>>();
        _serializer = _services.GetRequiredService<IGraphQLTextSerializer>();
        _variables = _serializer.Deserialize<Inputs>("""{"first": 20}""")!;
    }

    [Benchmark]
    public async Task ExecuteAndSerializeInMemory()
    {
        var result = await _executer.ExecuteAsync(new ExecutionOptions { Query = ListingBenchmarks.Listing, Variables = _variables, RequestServices = _services });
        await _serializer.WriteAsync(Stream.Null, result);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_database);
    }
}
