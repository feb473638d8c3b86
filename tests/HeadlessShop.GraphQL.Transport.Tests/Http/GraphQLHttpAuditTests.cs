using System.Text.Json;
using HeadlessShop.GraphQL.Transport.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HeadlessShop.GraphQL.Transport.Tests.Http;

/// <summary>npm graphql-http's server audit, the outside referee for GraphQL-over-HTTP, against a real Kestrel port.</summary>
public sealed class GraphQLHttpAuditTests(TransportTestServer server, ITestOutputHelper output) : IClassFixture<TransportTestServer>
{
    [Fact]
    public async Task Every_MUST_audit_passes()
    {
        var (exitCode, text) = await Referees.RunNodeAsync("audit.mjs", server.GraphQLUri.ToString());
        output.WriteLine(text);
        var summary = JsonDocument.Parse(text.Trim().Split('\n')[^1]).RootElement;
        Assert.Empty(summary.GetProperty("error").EnumerateArray());
        Assert.Equal(0, exitCode);
        Assert.True(summary.GetProperty("ok").GetInt32() > 20, "the audit ran too few checks");
    }
}
