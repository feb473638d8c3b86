using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace HeadlessShop.Api.Tests.Search.Typesense;

/// <summary>
/// A WireMock stand-in for a Typesense node, answering with bodies shaped as Typesense's API reference (v27) shows
/// them. It can be stopped (connection refused, like a killed node) and restarted on the same port with the same
/// answers, and it records every request for the tests to assert on.
/// </summary>
public sealed class TypesenseStandIn : IDisposable
{
    public const string ApiKey = "test-typesense-key";

    private readonly List<Action<WireMockServer>> _setups = [];
    private readonly ConcurrentQueue<ILogEntry> _history = new();
    private WireMockServer _server;

    public TypesenseStandIn()
    {
        _server = WireMockServer.Start();
        Port = _server.Port;
        Url = _server.Url!;
        Answer("GET", "/health", 200, """{"ok": true}""");
    }

    public int Port { get; }
    public string Url { get; }
    public bool Running => _server.IsStarted;

    /// <summary>Every request received, across restarts, in arrival order.</summary>
    public IReadOnlyList<ILogEntry> Requests => _history.Concat(_server.LogEntries).OrderBy(e => e.RequestMessage!.DateTime).ToList();

    public IReadOnlyList<IRequestMessage> RequestsTo(string method, string pathPrefix) =>
        Requests.Select(e => e.RequestMessage!)
            .Where(r => r.Method == method && r.Path.StartsWith(pathPrefix, StringComparison.Ordinal)).ToList();

    /// <summary>Forgets the requests received so far (each test asserts on its own).</summary>
    public void ClearRequests()
    {
        _history.Clear();
        _server.ResetLogEntries();
    }

    /// <summary>Adds an answer now and after every restart. Later answers for the same request win.</summary>
    public void Given(Action<WireMockServer> setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        _setups.Add(setup);
        if (_server.IsStarted)
        {
            setup(_server);
        }
    }

    public void Answer(string method, string path, int status, string body, TimeSpan? delay = null) =>
        Given(s =>
        {
            var response = Json(status, body);
            if (delay is { } d)
            {
                response = response.WithDelay(d);
            }
            s.Given(Request.Create().WithPath(path).UsingMethod(method)).AtPriority(Priority()).RespondWith(response);
        });

    /// <summary>Answers computed from the request (status, JSON or JSONL body), optionally after a delay.</summary>
    public void AnswerWith(string method, string path, Func<IRequestMessage, (int Status, string Body)> answer, TimeSpan? delay = null,
        Action<IRequestMessage>? onArrival = null) =>
        Given(s => s.Given(Request.Create().WithPath(path).UsingMethod(method)).AtPriority(Priority())
            .RespondWith(Response.Create().WithCallback(async request =>
            {
                onArrival?.Invoke(request);
                if (delay is { } d)
                {
                    await Task.Delay(d);
                }
                var (status, body) = answer(request);
                var message = new ResponseMessage
                {
                    StatusCode = status,
                    BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String },
                };
                message.AddHeader("Content-Type", "application/json; charset=utf-8");
                return (IResponseMessage)message;
            })));

    /// <summary>A Typesense that accepts the reindex calls: collections echo their schema, imports succeed line by line (slowly).</summary>
    public void AnswerReindex(string previousCollection, TimeSpan importDelay)
    {
        Answer("GET", "/aliases/products", 200, $$"""{"name": "products", "collection_name": "{{previousCollection}}"}""");
        AnswerWith("POST", "/collections", r =>
        {
            var schema = JsonNode.Parse(r.Body!)!;
            return (201, new JsonObject { ["name"] = schema["name"]!.GetValue<string>(), ["num_documents"] = 0, ["fields"] = schema["fields"]!.DeepClone() }.ToJsonString());
        });
        AnswerWith("POST", "/collections/*/documents/import", r =>
            (200, string.Join('\n', r.Body!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(_ => """{"success": true}"""))), importDelay);
        AnswerWith("PUT", "/aliases/products", r =>
            (200, $$"""{"name": "products", "collection_name": "{{JsonNode.Parse(r.Body!)!["collection_name"]!.GetValue<string>()}}"}"""));
        Answer("DELETE", $"/collections/{previousCollection}", 200, $$"""{"name": "{{previousCollection}}", "num_documents": 25, "fields": []}""");
        AnswerWith("POST", "/multi_search", r => TypesenseStandIn.AnyMultiSearch(r, 1, 2));
    }

    /// <summary>The node dies: connections are refused until <see cref="Restart"/>.</summary>
    public void Stop()
    {
        foreach (var entry in _server.LogEntries)
        {
            _history.Enqueue(entry);
        }
        _server.Stop();
        _server.Dispose();
        // WireMock's Stop returns before its host has shut down; keep-alive connections could still answer a search
        // for a moment. The node counts as dead once its port refuses connections (bounded: 5 s).
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                probe.Connect(System.Net.IPAddress.Loopback, Port);
            }
            catch (System.Net.Sockets.SocketException)
            {
                return;
            }
            Thread.Sleep(50);
        }
        throw new InvalidOperationException($"The Typesense stand-in still accepts connections on port {Port} 5 s after Stop.");
    }

    /// <summary>The node comes back on the same address with the same answers.</summary>
    public void Restart()
    {
        _server = WireMockServer.Start(new WireMockServerSettings { Port = Port });
        foreach (var setup in _setups)
        {
            setup(_server);
        }
    }

    public void Dispose()
    {
        if (_server.IsStarted)
        {
            _server.Stop();
        }
        _server.Dispose();
    }

    private int _priority = 1_000_000;

    // WireMock prefers the lowest priority number: each later answer gets a lower one, so it wins.
    private int Priority() => Interlocked.Decrement(ref _priority);

    private static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json; charset=utf-8").WithBody(body);

    /// <summary>The <c>searches</c> array of a multi_search request body.</summary>
    public static JsonArray Searches(IRequestMessage request) =>
        (JsonNode.Parse(request.Body!)!["searches"] as JsonArray) ?? throw new InvalidOperationException("no searches in " + request.Body);

    /// <summary>A search result shaped like the API reference's sample, with these hits and facet counts.</summary>
    public static JsonObject SearchResult(int found, IEnumerable<JsonObject> hits, params JsonObject[] facetCounts) => new()
    {
        ["facet_counts"] = new JsonArray(facetCounts.Select(f => (JsonNode)f).ToArray()),
        ["found"] = found,
        ["out_of"] = 60,
        ["page"] = 1,
        ["request_params"] = new JsonObject { ["collection_name"] = "products", ["per_page"] = 20, ["q"] = "*" },
        ["search_time_ms"] = 1,
        ["hits"] = new JsonArray(hits.Select(h => (JsonNode)h).ToArray()),
    };

    /// <summary>A hit as the API reference shows it: highlights with matched tokens, the document, text_match.</summary>
    public static JsonObject Hit(long id, string field = "name", string snippet = "", params string[] matchedTokens) => new()
    {
        ["highlights"] = matchedTokens.Length == 0
            ? new JsonArray()
            : new JsonArray(new JsonObject
            {
                ["field"] = field,
                ["snippet"] = snippet,
                ["matched_tokens"] = new JsonArray(matchedTokens.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
            }),
        ["document"] = new JsonObject { ["id"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        ["text_match"] = 130916,
    };

    public static JsonObject Facet(string field, params (string Value, int Count)[] counts) => new()
    {
        ["field_name"] = field,
        ["counts"] = new JsonArray(counts.Select(c => (JsonNode)new JsonObject { ["count"] = c.Count, ["highlighted"] = c.Value, ["value"] = c.Value }).ToArray()),
        ["stats"] = new JsonObject { ["total_values"] = counts.Length },
    };

    public static string MultiSearchResponse(params JsonObject[] results) =>
        new JsonObject { ["results"] = new JsonArray(results.Select(r => (JsonNode)r).ToArray()) }.ToJsonString();

    /// <summary>A valid answer to any multi_search: one empty-faceted result per search, each with these hits.</summary>
    public static (int, string) AnyMultiSearch(IRequestMessage request, params long[] ids) =>
        (200, MultiSearchResponse(Searches(request).Select(_ => SearchResult(ids.Length, ids.Select(id => Hit(id)))).ToArray()));
}
