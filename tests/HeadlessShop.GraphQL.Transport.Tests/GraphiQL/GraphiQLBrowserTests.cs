using System.Text.Json;
using HeadlessShop.GraphQL.Transport.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HeadlessShop.GraphQL.Transport.Tests.GraphiQL;

/// <summary>GraphiQL in real Chromium (Debian's package, driven by npm playwright-core) against a real Kestrel port.</summary>
public sealed class GraphiQLBrowserTests(TransportTestServer server, ITestOutputHelper output) : IClassFixture<TransportTestServer>
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task GraphiQL_runs_a_typed_query_and_a_subscription_with_a_bearer_header_in_Chromium()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: scripts/services.sh start installs Debian's chromium.");
        var screenshot = Path.Combine(AppContext.BaseDirectory, "TestResults", "graphiql.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);

        var (exitCode, text) = await Referees.RunNodeAsync("graphiql.mjs", server.GraphQLUri.ToString(), screenshot);
        output.WriteLine(text);
        output.WriteLine($"GraphiQL screenshot: {screenshot}");
        var summary = JsonDocument.Parse(text.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal(0, exitCode);
        Assert.Equal(200, summary.GetProperty("status").GetInt32());
        Assert.Contains("default-src 'none'", summary.GetProperty("csp").GetString(), StringComparison.Ordinal);

        // The result pane shows the server's JSON for the typed query.
        var result = summary.GetProperty("result").GetString()!;
        Assert.Contains("\"hello\"", result, StringComparison.Ordinal);
        Assert.Contains("Hello, Chromium!", result, StringComparison.Ordinal);
        // The headers editor's Authorization went out with the request.
        Assert.Equal("Bearer alice", summary.GetProperty("authorization").GetString());
        // The subscription ran over the WebSocket to its last value, with the same header in connection_init
        // (browsers cannot set headers on a WebSocket).
        Assert.Contains("\"countdown\": 0", summary.GetProperty("subscription").GetString(), StringComparison.Ordinal);
        Assert.Equal("Bearer alice", summary.GetProperty("connectionInit").GetProperty("Authorization").GetString());
        // Everything loaded from this server under the self-only policy, without script errors.
        Assert.Empty(summary.GetProperty("cspViolations").EnumerateArray());
        Assert.Empty(summary.GetProperty("pageErrors").EnumerateArray());
        Assert.Empty(summary.GetProperty("failedRequests").EnumerateArray());

        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.True(png.Length > 10_000, $"the screenshot is only {png.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }
}
