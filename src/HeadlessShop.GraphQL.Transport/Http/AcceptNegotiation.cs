using Microsoft.Net.Http.Headers;

namespace HeadlessShop.GraphQL.Transport.Http;

/// <summary>The media types a GraphQL response can be written in, and the choice among them from <c>Accept</c>.</summary>
internal static class AcceptNegotiation
{
    public const string GraphQLResponseJson = "application/graphql-response+json";
    public const string Json = "application/json";

    /// <summary>
    /// Picks the response media type: the highest-quality acceptable entry wins, ties go to the earlier entry.
    /// No <c>Accept</c> header means <c>application/json</c> (the spec's rule for legacy clients), and so do the
    /// wildcards. Returns null when nothing the client accepts can be produced (406).
    /// </summary>
    public static string? Choose(IList<string>? acceptHeaders)
    {
        if (acceptHeaders is null || acceptHeaders.Count == 0 || acceptHeaders.All(string.IsNullOrWhiteSpace))
        {
            return Json;
        }
        if (!MediaTypeHeaderValue.TryParseList(acceptHeaders, out var entries))
        {
            return Json;
        }
        string? best = null;
        double bestQuality = 0;
        foreach (var entry in entries)
        {
            var quality = entry.Quality ?? 1.0;
            var produced = Produced(entry);
            if (produced is not null && quality > bestQuality)
            {
                best = produced;
                bestQuality = quality;
            }
        }
        return best;
    }

    private static string? Produced(MediaTypeHeaderValue entry)
    {
        var type = entry.MediaType.Value ?? string.Empty;
        if (type.Equals(GraphQLResponseJson, StringComparison.OrdinalIgnoreCase))
        {
            return GraphQLResponseJson;
        }
        if (type.Equals(Json, StringComparison.OrdinalIgnoreCase) || type is "*/*" or "application/*")
        {
            // Only UTF-8 is ever written; a client that insists on another charset cannot be served.
            return entry.Charset.HasValue && !IsUtf8(entry.Charset.Value) ? null : Json;
        }
        return null;
    }

    public static bool IsUtf8(string? charset) =>
        charset is null
        || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
        || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);
}
