using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace HeadlessShop.GraphQL.Transport.GraphiQL;

/// <summary>
/// The GraphiQL browser build (npm <c>graphiql</c> and React's UMD builds, pinned in GraphiQL/package-lock.json)
/// and the page's own script and style, embedded into this assembly at build time and served from memory.
/// </summary>
internal static class GraphiQLAssets
{
    public const string Folder = "graphiql";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["graphiql.min.js"] = "text/javascript; charset=utf-8",
        ["graphiql.min.css"] = "text/css; charset=utf-8",
        ["react.production.min.js"] = "text/javascript; charset=utf-8",
        ["react-dom.production.min.js"] = "text/javascript; charset=utf-8",
        ["graphiql-page.js"] = "text/javascript; charset=utf-8",
        ["graphiql-page.css"] = "text/css; charset=utf-8",
    };

    private static readonly ConcurrentDictionary<string, byte[]> Loaded = new(StringComparer.Ordinal);

    /// <summary>Writes the named asset, or 404 for any other name.</summary>
    public static async Task ServeAsync(HttpContext context, string file)
    {
        if (!ContentTypes.TryGetValue(file, out var contentType))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var bytes = Loaded.GetOrAdd(file, Load);
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "public, max-age=3600";
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    private static byte[] Load(string file)
    {
        var name = "GraphiQL/" + file;
        using var stream = typeof(GraphiQLAssets).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded GraphiQL asset {name} is missing: the build embeds it (see the csproj).");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
