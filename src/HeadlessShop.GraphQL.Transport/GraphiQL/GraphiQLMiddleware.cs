using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace HeadlessShop.GraphQL.Transport.GraphiQL;

/// <summary>
/// Serves the GraphiQL page at GET on the GraphQL path to clients that prefer <c>text/html</c> over the GraphQL
/// media types (browsers); every other request goes on to the GraphQL middleware, so API clients and the
/// graphql-http audit never see it. The page loads only the assets embedded at build time (no CDN), under a
/// self-only Content-Security-Policy.
/// </summary>
internal sealed class GraphiQLMiddleware(RequestDelegate next, IOptions<GraphQLTransportOptions> options)
{
    // Fonts are data: URLs inside graphiql.min.css; 'self' covers the same-origin ws:/wss: of subscriptions.
    internal const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
        + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private readonly GraphQLTransportOptions _options = options.Value;

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_options.GraphiQL || !HttpMethods.IsGet(context.Request.Method) || !PrefersHtml(context.Request.Headers.Accept))
        {
            return next(context);
        }
        var endpoint = (context.Request.PathBase + context.Request.Path).Value!.TrimEnd('/');
        var response = context.Response;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-cache";
        response.Headers.Vary = "Accept";
        return response.WriteAsync(Page(endpoint, _options.GraphiQLDefaultQuery), context.RequestAborted);
    }

    /// <summary>True when <c>text/html</c> is accepted with a higher quality than any GraphQL media type, which is
    /// what browsers send on navigation; wildcards count for neither side.</summary>
    internal static bool PrefersHtml(IList<string>? accept)
    {
        if (accept is null || accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(accept, out var entries))
        {
            return false;
        }
        double html = 0, graphql = 0;
        foreach (var entry in entries)
        {
            var quality = entry.Quality ?? 1.0;
            var type = entry.MediaType.Value ?? string.Empty;
            if (type.Equals("text/html", StringComparison.OrdinalIgnoreCase))
            {
                html = Math.Max(html, quality);
            }
            else if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || type.Equals("application/graphql-response+json", StringComparison.OrdinalIgnoreCase))
            {
                graphql = Math.Max(graphql, quality);
            }
        }
        return html > 0 && html > graphql;
    }

    private static string Page(string endpoint, string defaultQuery)
    {
        var html = HtmlEncoder.Default;
        var assets = html.Encode(endpoint + "/" + GraphiQLAssets.Folder);
        // Settings travel in data- attributes: the self-only policy forbids inline scripts.
        return $"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>GraphiQL</title>
            <link rel="stylesheet" href="{assets}/graphiql.min.css">
            <link rel="stylesheet" href="{assets}/graphiql-page.css">
            </head>
            <body>
            <div id="graphiql" data-endpoint="{html.Encode(endpoint)}" data-default-query="{html.Encode(defaultQuery)}">Loading GraphiQL…</div>
            <script src="{assets}/react.production.min.js"></script>
            <script src="{assets}/react-dom.production.min.js"></script>
            <script src="{assets}/graphiql.min.js"></script>
            <script src="{assets}/graphiql-page.js"></script>
            </body>
            </html>
            """;
    }
}
