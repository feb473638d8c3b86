using System.Net;
using System.Text.Json.Nodes;
using HeadlessShop.Api.Search.Typesense;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace HeadlessShop.Api.Tests.Search.Typesense;

/// <summary>The typed client's requests (paths, query strings, bodies, the API key) and how it reads Typesense's answers.</summary>
public sealed class TypesenseClientTests : IDisposable
{
    private readonly TypesenseStandIn _typesense = new();

    public void Dispose() => _typesense.Dispose();

    private sealed record Doc(string Id, string Name);

    [Fact]
    public async Task Import_sends_one_JSON_line_per_document_with_action_upsert_and_reports_the_failed_lines()
    {
        _typesense.Answer("POST", "/collections/products_1/documents/import", 200,
            "{\"success\": true}\n{\"success\": false, \"error\": \"Bad JSON.\", \"document\": \"[bad doc]\"}\n{\"success\": true}");
        using var host = TypesenseTestHost.Start(_typesense.Url);

        var result = await host.Get<TypesenseClient>().ImportDocumentsAsync("products_1",
            [new Doc("1", "Line\nbreak"), new Doc("2", "Two"), new Doc("3", "Three")], CancellationToken.None);

        Assert.Equal(2, result.Imported);
        var failure = Assert.Single(result.Failures);
        Assert.Equal("Bad JSON.", failure.Error);
        Assert.Equal("[bad doc]", failure.Document);

        var request = Assert.Single(_typesense.RequestsTo("POST", "/collections/products_1/documents/import"));
        Assert.Equal("upsert", request.Query!["action"].Single());
        Assert.Equal(TypesenseStandIn.ApiKey, request.Headers!["X-TYPESENSE-API-KEY"].Single());
        var lines = request.Body!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["""{"id":"1","name":"Line\nbreak"}""", """{"id":"2","name":"Two"}""", """{"id":"3","name":"Three"}"""], lines);
    }

    [Fact]
    public async Task Import_with_fewer_result_lines_than_documents_is_a_failure()
    {
        _typesense.Answer("POST", "/collections/c/documents/import", 200, "{\"success\": true}");
        using var host = TypesenseTestHost.Start(_typesense.Url);

        var ex = await Assert.ThrowsAsync<TypesenseException>(() =>
            host.Get<TypesenseClient>().ImportDocumentsAsync("c", [new Doc("1", "a"), new Doc("2", "b")], CancellationToken.None));
        Assert.Contains("1 result line(s) for 2 document(s)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collections_and_aliases_use_the_documented_endpoints()
    {
        _typesense.AnswerWith("POST", "/collections", request =>
        {
            var schema = JsonNode.Parse(request.Body!)!;
            return (201, new JsonObject { ["name"] = schema["name"]!.GetValue<string>(), ["num_documents"] = 0, ["fields"] = schema["fields"]!.DeepClone() }.ToJsonString());
        });
        _typesense.Answer("GET", "/collections/products_2", 200, """{"name": "products_2", "num_documents": 7, "fields": []}""");
        _typesense.Answer("GET", "/collections/missing", 404, """{"message": "Not Found"}""");
        _typesense.Answer("DELETE", "/collections/products_1", 200, """{"name": "products_1", "num_documents": 3, "fields": []}""");
        _typesense.Answer("DELETE", "/collections/missing", 404, """{"message": "Not Found"}""");
        _typesense.Answer("PUT", "/aliases/products", 200, """{"name": "products", "collection_name": "products_2"}""");
        _typesense.Answer("GET", "/aliases/products", 200, """{"name": "products", "collection_name": "products_2"}""");
        _typesense.Answer("GET", "/aliases/nothing", 404, """{"message": "Not Found"}""");
        using var host = TypesenseTestHost.Start(_typesense.Url);
        var client = host.Get<TypesenseClient>();

        var created = await client.CreateCollectionAsync(TypesenseProductSchema.For("products_2"), CancellationToken.None);
        Assert.Equal("products_2", created.Name);
        Assert.Equal(7, (await client.RetrieveCollectionAsync("products_2", CancellationToken.None))!.NumDocuments);
        Assert.Null(await client.RetrieveCollectionAsync("missing", CancellationToken.None));
        Assert.True(await client.DeleteCollectionAsync("products_1", CancellationToken.None));
        Assert.False(await client.DeleteCollectionAsync("missing", CancellationToken.None));
        Assert.Equal("products_2", (await client.UpsertAliasAsync("products", "products_2", CancellationToken.None)).CollectionName);
        Assert.Equal("products_2", (await client.RetrieveAliasAsync("products", CancellationToken.None))!.CollectionName);
        Assert.Null(await client.RetrieveAliasAsync("nothing", CancellationToken.None));

        var schemaSent = JsonNode.Parse(Assert.Single(_typesense.RequestsTo("POST", "/collections")).Body!)!;
        Assert.Equal("products_2", schemaSent["name"]!.GetValue<string>());
        Assert.Equal("product_id", schemaSent["default_sorting_field"]!.GetValue<string>());
        var priceField = schemaSent["fields"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "price_min")!;
        Assert.Equal("int64", priceField["type"]!.GetValue<string>());
        Assert.True(priceField["facet"]!.GetValue<bool>());
        var aliasBody = JsonNode.Parse(Assert.Single(_typesense.RequestsTo("PUT", "/aliases/products")).Body!)!;
        Assert.Equal("""{"collection_name":"products_2"}""", aliasBody.ToJsonString());
        Assert.All(_typesense.Requests, e => Assert.Equal(TypesenseStandIn.ApiKey, e.RequestMessage!.Headers!["X-TYPESENSE-API-KEY"].Single()));
    }

    [Fact]
    public async Task Single_document_upsert_and_delete_use_action_upsert_and_ignore_not_found()
    {
        _typesense.Answer("POST", "/collections/products/documents", 201, """{"id": "7", "name": "Seven"}""");
        _typesense.Answer("DELETE", "/collections/products/documents/7", 200, """{"id": "7", "name": "Seven"}""");
        using var host = TypesenseTestHost.Start(_typesense.Url);
        var client = host.Get<TypesenseClient>();

        await client.UpsertDocumentAsync("products", new Doc("7", "Seven"), CancellationToken.None);
        await client.DeleteDocumentAsync("products", "7", CancellationToken.None);

        var upsert = Assert.Single(_typesense.RequestsTo("POST", "/collections/products/documents"));
        Assert.Equal("upsert", upsert.Query!["action"].Single());
        Assert.Equal("""{"id":"7","name":"Seven"}""", upsert.Body);
        var delete = Assert.Single(_typesense.RequestsTo("DELETE", "/collections/products/documents/7"));
        Assert.Equal("true", delete.Query!["ignore_not_found"].Single());
    }

    [Fact]
    public async Task Health_reads_ok_true()
    {
        using var host = TypesenseTestHost.Start(_typesense.Url);
        Assert.True(await host.Get<TypesenseClient>().HealthAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_503_is_retried_and_the_retry_answers()
    {
        _typesense.Given(s => s.Given(WireMock.RequestBuilders.Request.Create().WithPath("/aliases/products").UsingGet())
            .InScenario("flaky").WillSetStateTo("recovered")
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(503).WithBody("""{"message": "Not Ready or Lagging"}""")));
        _typesense.Given(s => s.Given(WireMock.RequestBuilders.Request.Create().WithPath("/aliases/products").UsingGet())
            .InScenario("flaky").WhenStateIs("recovered")
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithBody("""{"name": "products", "collection_name": "products_9"}""")));
        using var host = TypesenseTestHost.Start(_typesense.Url);

        var alias = await host.Get<TypesenseClient>().RetrieveAliasAsync("products", CancellationToken.None);

        Assert.Equal("products_9", alias!.CollectionName);
        Assert.Equal(2, _typesense.RequestsTo("GET", "/aliases/products").Count);
    }

    [Fact]
    public async Task A_400_is_not_retried_and_carries_Typesense_message()
    {
        _typesense.Answer("POST", "/collections", 400, """{"message": "Field `price_min` must have a type."}""");
        using var host = TypesenseTestHost.Start(_typesense.Url);

        var ex = await Assert.ThrowsAsync<TypesenseException>(() =>
            host.Get<TypesenseClient>().CreateCollectionAsync(TypesenseProductSchema.For("x"), CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Contains("Field `price_min` must have a type.", ex.Message, StringComparison.Ordinal);
        Assert.Single(_typesense.RequestsTo("POST", "/collections"));
    }

    [Fact]
    public async Task A_slow_node_times_out_per_attempt_and_is_retried_then_fails()
    {
        // WireMock logs a request only once answered: count arrivals instead.
        var arrivals = 0;
        _typesense.AnswerWith("GET", "/health", _ => (200, """{"ok": true}"""), delay: TimeSpan.FromSeconds(3), onArrival: _ => Interlocked.Increment(ref arrivals));
        using var host = TypesenseTestHost.Start(_typesense.Url,
            new Dictionary<string, string?> { ["Typesense:SearchAttemptTimeout"] = "00:00:00.200", ["Typesense:SearchTotalTimeout"] = "00:00:05" });

        var ex = await Assert.ThrowsAsync<TypesenseException>(() => host.Get<TypesenseClient>().HealthAsync(CancellationToken.None));

        Assert.IsType<Polly.Timeout.TimeoutRejectedException>(ex.InnerException);
        Assert.Equal(3, Volatile.Read(ref arrivals)); // first attempt + 2 retries
    }

    [Fact]
    public async Task Repeated_failures_open_the_circuit_and_calls_then_fail_fast_without_reaching_the_node()
    {
        _typesense.Answer("GET", "/health", 500, """{"message": "boom"}""");
        using var host = TypesenseTestHost.Start(_typesense.Url, new Dictionary<string, string?>
        {
            ["Typesense:CircuitBreakerMinimumThroughput"] = "3",
            ["Typesense:CircuitBreakerBreakDuration"] = "00:01:00",
            ["Typesense:MaxRetries"] = "0",
        });
        var client = host.Get<TypesenseClient>();

        for (var i = 0; i < 3; i++)
        {
            var failed = await Assert.ThrowsAsync<TypesenseException>(() => client.HealthAsync(CancellationToken.None));
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }
        var open = await Assert.ThrowsAsync<TypesenseException>(() => client.HealthAsync(CancellationToken.None));

        Assert.IsType<BrokenCircuitException>(open.InnerException);
        Assert.Equal(3, _typesense.RequestsTo("GET", "/health").Count);
    }

    [Fact]
    public async Task A_body_that_is_not_the_documented_shape_is_a_failure()
    {
        _typesense.Answer("GET", "/aliases/products", 200, "<html>proxy error</html>");
        using var host = TypesenseTestHost.Start(_typesense.Url);

        await Assert.ThrowsAsync<TypesenseException>(() => host.Get<TypesenseClient>().RetrieveAliasAsync("products", CancellationToken.None));
    }

    [Theory]
    [InlineData("ftp://typesense:8108")]
    [InlineData("not a url")]
    public void An_unusable_url_fails_start_up(string url)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => TypesenseTestHost.Start(url).Dispose());
        Assert.Contains("Url", ex.Message, StringComparison.Ordinal);
    }
}
