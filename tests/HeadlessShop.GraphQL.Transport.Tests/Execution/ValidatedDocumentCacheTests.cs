using GraphQL;
using GraphQL.SystemTextJson;
using GraphQL.Types;
using HeadlessShop.GraphQL.Transport.Execution;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.GraphQL.Transport.Tests.Execution;

public sealed class ValidatedDocumentCacheTests
{
    private sealed class GreetingSchema : Schema
    {
        public GreetingSchema(IServiceProvider services)
            : base(services)
        {
            var query = new ObjectGraphType { Name = "Query" };
            query.Field<StringGraphType>("hello").Argument<StringGraphType>("name").Resolve(ctx => $"hello {ctx.GetArgument<string>("name")}");
            Query = query;
        }
    }

    private static (ServiceProvider Provider, IDocumentExecuter<ISchema> Executer) Build(long cacheBytes = 1_000_000)
    {
        var services = new ServiceCollection();
        services.Configure<GraphQLTransportOptions>(o => o.DocumentCacheBytes = cacheBytes);
        services.AddGraphQL(b => b.AddSchema<GreetingSchema>().AddSystemTextJson().ConfigureExecution<ValidatedDocumentCache>());
        var provider = services.BuildServiceProvider();
        return (provider, provider.GetRequiredService<IDocumentExecuter<ISchema>>());
    }

    [Fact]
    public async Task A_validated_document_is_reused_and_still_answers_per_request_variables()
    {
        var (provider, executer) = Build();
        await using var _ = provider;
        const string query = "query($n: String) { hello(name: $n) }";
        var serializer = provider.GetRequiredService<IGraphQLTextSerializer>();

        var first = await executer.ExecuteAsync(new ExecutionOptions { Query = query, Variables = serializer.Deserialize<Inputs>("""{"n":"ada"}"""), RequestServices = provider });
        var second = await executer.ExecuteAsync(new ExecutionOptions { Query = query, Variables = serializer.Deserialize<Inputs>("""{"n":"bob"}"""), RequestServices = provider });

        Assert.Same(first.Document, second.Document);
        Assert.Equal("""{"data":{"hello":"hello bob"}}""", serializer.Serialize(second));
        var wrongType = await executer.ExecuteAsync(new ExecutionOptions { Query = query, Variables = serializer.Deserialize<Inputs>("""{"n":{"x":1}}"""), RequestServices = provider });
        Assert.NotNull(wrongType.Errors);
    }

    [Fact]
    public async Task Invalid_documents_are_not_cached_and_keep_reporting_their_errors()
    {
        var (provider, executer) = Build();
        await using var _ = provider;
        for (var i = 0; i < 2; i++)
        {
            var result = await executer.ExecuteAsync(new ExecutionOptions { Query = "{ nope }", RequestServices = provider });
            Assert.False(result.Executed);
            Assert.Contains(result.Errors!, e => e.Message.Contains("nope", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Documents_larger_than_the_budget_are_executed_but_not_kept()
    {
        var (provider, executer) = Build(cacheBytes: 10);
        await using var _ = provider;
        const string query = "{ hello(name: \"a long enough document\") }";
        var first = await executer.ExecuteAsync(new ExecutionOptions { Query = query, RequestServices = provider });
        var second = await executer.ExecuteAsync(new ExecutionOptions { Query = query, RequestServices = provider });
        Assert.True(second.Executed);
        Assert.NotSame(first.Document, second.Document);
    }
}
