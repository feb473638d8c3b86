using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HeadlessShop.Api.Tests.Infrastructure;

/// <summary>A GraphQL response as the client sees it: status, headers and the parsed JSON body.</summary>
public sealed record GraphQLResponse(HttpResponseMessage Http, JsonNode Body)
{
    public JsonNode? Data => Body["data"];
    public JsonArray? Errors => Body["errors"] as JsonArray;

    public int SqlStatements => int.Parse(Http.Headers.GetValues("X-Sql-Statements").Single(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The data, after asserting there were no errors (their messages are shown when there were).</summary>
    public JsonNode OkData()
    {
        Assert.True(Errors is null, $"unexpected GraphQL errors: {Errors?.ToJsonString()}");
        return Data ?? throw new InvalidOperationException("response has no data");
    }

    public string FirstErrorCode() =>
        Errors?[0]?["extensions"]?["code"]?.GetValue<string>() ?? throw new InvalidOperationException($"no error in {Body.ToJsonString()}");
}

public static class GraphQLClientExtensions
{
    public static async Task<GraphQLResponse> GraphQLAsync(this HttpClient client, string query, object? variables = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var response = await client.PostAsJsonAsync("/graphql", new { query, variables });
        var text = await response.Content.ReadAsStringAsync();
        JsonNode body;
        try
        {
            body = JsonNode.Parse(text) ?? new JsonObject();
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"HTTP {(int)response.StatusCode}, body is not JSON: {text}");
        }
        return new GraphQLResponse(response, body);
    }
}
