using System.Diagnostics;
using HeadlessShop.Api.Tests.Infrastructure;
using HeadlessShop.GraphQL.Transport.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace HeadlessShop.Api.Tests.Operations;

/// <summary>Captures every finished span in memory.</summary>
public sealed class TracingShopApiFactory : ShopApiFactory
{
    public List<Activity> Spans { get; } = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Telemetry:Tracing", "true");
        builder.ConfigureTestServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans)));
    }
}

public sealed class TelemetryTests(TracingShopApiFactory factory) : IClassFixture<TracingShopApiFactory>
{
    [Fact]
    public async Task A_graphql_request_has_an_operation_span_with_its_database_spans_beneath_and_no_variable_values()
    {
        const string secret = "s3cr3t-variable-value";
        var response = await factory.CreateClient().GraphQLAsync(
            "query TelemetryProbe($n: Int!, $slug: String) { products(first: $n) { nodes { name variants { sku } } } product(slug: $slug) { id } }",
            new { n = 3, slug = secret });
        response.OkData();

        var tracer = (TracerProvider)factory.Services.GetService(typeof(TracerProvider))!;
        tracer.ForceFlush();
        List<Activity> spans;
        lock (factory.Spans)
        {
            spans = factory.Spans.ToList();
        }

        // Activity sources are process-wide: other test classes' servers run in parallel, so pick this request's span by
        // its unique operation name and look only at its trace.
        var operation = Assert.Single(spans, s => s.Source.Name == GraphQLTelemetry.ActivitySourceName && s.DisplayName == "query TelemetryProbe");
        Assert.Equal("query", operation.GetTagItem("graphql.operation.type"));
        Assert.Equal("TelemetryProbe", operation.GetTagItem("graphql.operation.name"));
        Assert.Matches("^[0-9a-f]{64}$", (string)operation.GetTagItem("graphql.document.hash")!);

        var database = spans.Where(s => s.Source.Name == "Npgsql" && s.TraceId == operation.TraceId).ToList();
        Assert.NotEmpty(database);
        Assert.All(database, s => Assert.True(IsDescendant(s, operation, spans), $"{s.DisplayName} is not under the operation span"));

        Assert.DoesNotContain(spans.SelectMany(s => s.TagObjects), tag => tag.Value?.ToString()?.Contains(secret, StringComparison.Ordinal) == true);
    }

    private static bool IsDescendant(Activity span, Activity ancestor, List<Activity> all)
    {
        var current = span;
        for (var depth = 0; depth < 32 && current is not null; depth++)
        {
            if (current.ParentSpanId == ancestor.SpanId)
            {
                return true;
            }
            current = all.FirstOrDefault(a => a.SpanId == current.ParentSpanId);
        }
        return false;
    }
}
