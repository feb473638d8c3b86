using GraphQL;
using GraphQL.SystemTextJson;
using GraphQL.Types;
using GraphQL.Validation;
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

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    public async Task A_document_counts_against_the_budget_at_its_parsed_size_not_its_text_length(int slack, bool kept)
    {
        const string query = "{ hello(name: \"a document of some length\") }";
        var (provider, executer) = Build(cacheBytes: ((long)query.Length * ValidatedDocumentCache.BytesPerCharacter) + slack);
        await using var _ = provider;
        var first = await executer.ExecuteAsync(new ExecutionOptions { Query = query, RequestServices = provider });
        var second = await executer.ExecuteAsync(new ExecutionOptions { Query = query, RequestServices = provider });
        Assert.True(second.Executed);
        Assert.Equal(kept, ReferenceEquals(first.Document, second.Document));
    }

    /// <summary>A rule of someone else's: the cache cannot check it on the tree itself, so the validator must run it.</summary>
    private sealed class CountingRule : ValidationRuleBase
    {
        public int Runs;

        public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context)
        {
            Interlocked.Increment(ref Runs);
            if (context.Variables?.TryGetValue("n", out var n) == true && n is string name && name == "refused")
            {
                context.ReportError(new ValidationError("refused by the counting rule"));
            }
            return ValueTask.FromResult<INodeVisitor?>(null);
        }
    }

    [Fact]
    public async Task Cached_document_rules_the_cache_cannot_check_itself_still_run_through_the_validator_on_every_hit()
    {
        var (provider, executer) = Build();
        await using var _ = provider;
        var serializer = provider.GetRequiredService<IGraphQLTextSerializer>();
        var rule = new CountingRule();
        const string query = "query($n: String) { hello(name: $n) }";
        ExecutionOptions Request(string name) => new()
        {
            Query = query,
            Variables = serializer.Deserialize<Inputs>($$"""{"n":"{{name}}"}"""),
            RequestServices = provider,
            ValidationRules = [.. DocumentValidator.CoreRules, rule],
            CachedDocumentValidationRules = [rule],
        };

        var first = await executer.ExecuteAsync(Request("ada"));
        var second = await executer.ExecuteAsync(Request("bob"));
        var refused = await executer.ExecuteAsync(Request("refused"));

        Assert.Same(first.Document, second.Document);
        Assert.True(second.Executed);
        Assert.Equal(3, rule.Runs);
        Assert.False(refused.Executed);
        Assert.Contains(refused.Errors!, e => e.Message == "refused by the counting rule");
    }
}
