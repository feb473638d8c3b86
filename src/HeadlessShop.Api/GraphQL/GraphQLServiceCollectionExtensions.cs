using GraphQL;
using HeadlessShop.GraphQL.Transport;
using HeadlessShop.GraphQL.Transport.Diagnostics;
using HeadlessShop.Api.Infrastructure.PersistedQueries;
using HeadlessShop.GraphQL.Transport.Execution;
using HeadlessShop.GraphQL.Transport.PersistedQueries;

namespace HeadlessShop.Api.GraphQL;

public static class GraphQLServiceCollectionExtensions
{
    /// <summary>What GraphiQL opens with for a first-time visitor.</summary>
    private const string GraphiQLDefaultQuery = """
        # HeadlessShop storefront API: Ctrl+Enter runs.
        # Signed-in fields (me, orders): customerLogin
        # returns an accessToken; put it in Headers:
        # { "Authorization": "Bearer <accessToken>" }
        # Subscriptions use this path's WebSocket.
        query FirstProducts {
          products(first: 5) {
            nodes {
              name
              slug
              priceRange { min { amount currencyCode } }
            }
          }
        }

        """;

    /// <summary>The schema (graph types found by assembly scan), the executor and the transport.</summary>
    public static IHostApplicationBuilder AddShopGraphQL(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IQueryFields, NodeQueryFields>();
        // Before AddTransport binds the GraphQL section, so configuration can still replace it.
        builder.Services.Configure<GraphQLTransportOptions>(options => options.GraphiQLDefaultQuery = GraphiQLDefaultQuery);
        builder.Services.AddGraphQL(graphQL => graphQL
            .AddSchema<ShopSchema>()
            .AddGraphTypes(typeof(ShopSchema).Assembly)
            .AddSystemTextJson()
            .AddTransport(builder.Configuration, builder.Environment.IsDevelopment())
            .ConfigureExecution<GraphQLTelemetry>()
            .ConfigureExecution<ValidatedDocumentCache>()
            .ConfigureExecutionOptions(options =>
            {
                // Introspection and the abuse limits are transport settings (GraphQL section): see README.
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
