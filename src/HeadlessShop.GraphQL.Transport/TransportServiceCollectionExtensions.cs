using GraphQL;
using GraphQL.DI;
using HeadlessShop.GraphQL.Transport.Errors;
using HeadlessShop.GraphQL.Transport.GraphiQL;
using HeadlessShop.GraphQL.Transport.Http;
using HeadlessShop.GraphQL.Transport.PersistedQueries;
using HeadlessShop.GraphQL.Transport.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HeadlessShop.GraphQL.Transport;

public static class TransportServiceCollectionExtensions
{
    /// <summary>Adds the transport's options and error shaping to a GraphQL.NET builder.</summary>
    public static IGraphQLBuilder AddTransport(this IGraphQLBuilder builder, IConfiguration configuration, bool isDevelopment)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = configuration.GetSection(GraphQLTransportOptions.SectionName);
        builder.Services.Configure<GraphQLTransportOptions>((options, _) => section.Bind(options));
        builder.Services.TryRegister<IPersistedQueryStore, MemoryPersistedQueryStore>(global::GraphQL.DI.ServiceLifetime.Singleton);
        builder.Services.TryRegister<IWebSocketAuthenticator, AnonymousWebSocketAuthenticator>(global::GraphQL.DI.ServiceLifetime.Singleton);
        var expose = isDevelopment && section.GetValue<bool>(nameof(GraphQLTransportOptions.ExposeExceptionDetails));
        return builder.AddErrorInfoProvider(new TransportErrorInfoProvider(expose));
    }

    /// <summary>Serves GraphQL over HTTP and WebSocket at <paramref name="pattern"/> (default <c>/graphql</c>), GraphiQL
    /// to browsers on the same path, and the SDL at <c>{pattern}/schema.graphql</c>.</summary>
    public static IEndpointConventionBuilder MapGraphQLEndpoint(this IEndpointRouteBuilder endpoints, string pattern = "/graphql")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var pipeline = endpoints.CreateApplicationBuilder();
        pipeline.UseWebSockets();
        pipeline.UseMiddleware<GraphQLWebSocketMiddleware>();
        pipeline.UseMiddleware<GraphiQLMiddleware>();
        pipeline.UseMiddleware<GraphQLHttpMiddleware>();
        pipeline.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET, POST";
            return Task.CompletedTask;
        });
        endpoints.MapGet(pattern.TrimEnd('/') + "/" + GraphiQLAssets.Folder + "/{file}", (HttpContext context, string file) =>
            context.RequestServices.GetRequiredService<IOptions<GraphQLTransportOptions>>().Value.GraphiQL
                ? GraphiQLAssets.ServeAsync(context, file)
                : Results.NotFound().ExecuteAsync(context));
        endpoints.MapGet(pattern.TrimEnd('/') + "/schema.graphql", async (HttpContext context) =>
        {
            // The schema as SDL, for partners' code generators; printed once per process. It is introspection.
            if (!context.RequestServices.GetRequiredService<IOptions<GraphQLTransportOptions>>().Value.Introspection)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            var schema = context.RequestServices.GetRequiredService<global::GraphQL.Types.ISchema>();
            context.Response.ContentType = "application/graphql; charset=utf-8";
            context.Response.Headers.CacheControl = "public, max-age=300";
            await context.Response.WriteAsync(PrintedSchema.Get(schema), context.RequestAborted);
        });
        return endpoints.Map(pattern, pipeline.Build());
    }
}

/// <summary>The printed SDL, computed once per schema instance.</summary>
internal static class PrintedSchema
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<global::GraphQL.Types.ISchema, string> Printed = [];

    public static string Get(global::GraphQL.Types.ISchema schema) =>
        Printed.GetValue(schema, s => s.Print(new global::GraphQL.Utilities.PrintOptions
        {
            IncludeDescriptions = true,
            IncludeDeprecationReasons = true,
            StringComparison = StringComparison.Ordinal,
        }));
}
