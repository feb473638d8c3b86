using GraphQL;
using HeadlessShop.GraphQL.Transport;
using HeadlessShop.GraphQL.Transport.Diagnostics;
using HeadlessShop.Api.Infrastructure.PersistedQueries;
using HeadlessShop.GraphQL.Transport.Execution;
using HeadlessShop.GraphQL.Transport.PersistedQueries;

namespace HeadlessShop.Api.GraphQL;

public static class GraphQLServiceCollectionExtensions
{
    /// <summary>The schema (graph types found by assembly scan), the executor and the transport.</summary>
    public static IHostApplicationBuilder AddShopGraphQL(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IQueryFields, NodeQueryFields>();
        builder.Services.AddGraphQL(graphQL => graphQL
            .AddSchema<ShopSchema>()
            .AddGraphTypes(typeof(ShopSchema).Assembly)
            .AddSystemTextJson()
            .AddTransport(builder.Configuration, builder.Environment.IsDevelopment())
            .ConfigureExecution<GraphQLTelemetry>()
            .ConfigureExecution<ValidatedDocumentCache>()
            .ConfigureExecutionOptions(options =>
            {
                // Partners build on introspection; it stays on. Depth and cost limits arrive with the transport work.
                options.EnableMetrics = false;
            }));
        if (Infrastructure.RedisServiceCollectionExtensions.IsRedisEnabled(builder.Configuration))
        {
            // Production: persisted documents are shared by every instance; embedded mode keeps the in-memory store.
            builder.Services.AddSingleton<IPersistedQueryStore, RedisPersistedQueryStore>();
        }
        return builder;
    }
}
