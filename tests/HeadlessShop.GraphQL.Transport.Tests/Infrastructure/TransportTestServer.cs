using System.Net;
using GraphQL;
using HeadlessShop.GraphQL.Transport.Execution;
using HeadlessShop.GraphQL.Transport.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HeadlessShop.GraphQL.Transport.Tests.Infrastructure;

/// <summary>The transport on a real Kestrel port (loopback, ephemeral), serving <see cref="TestSchema"/>.</summary>
public class TransportTestServer : IAsyncLifetime
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private WebApplication? _app;

    public TransportTestServer()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <summary>A server with <paramref name="settings"/> (configuration keys such as <c>GraphQL:Introspection</c>)
    /// on top of the defaults.</summary>
    protected TransportTestServer(IReadOnlyDictionary<string, string?> settings)
    {
        _settings = settings;
    }

    public Uri GraphQLUri { get; private set; } = new("http://127.0.0.1/");

    public HttpClient Client { get; private set; } = new();

    public TestCounter Counter { get; } = new();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton(Counter);
        builder.Services.AddSingleton<IWebSocketAuthenticator, FakeBearerAuthenticator>();
        builder.Services.AddGraphQL(graphQL => graphQL
            .AddSchema<TestSchema>()
            .AddSystemTextJson()
            .AddTransport(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["GraphQL:WebSocketConnectionInitTimeout"] = "00:00:02",
                ["GraphQL:WebSocketMaxQueuedMessages"] = "16",
            }).AddInMemoryCollection(_settings).Build(), isDevelopment: false)
            .ConfigureExecution<ValidatedDocumentCache>());
        _app = builder.Build();
        _app.MapGraphQLEndpoint();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        GraphQLUri = new Uri(new Uri(address), "/graphql");
        Client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public Task StopAsync() => _app!.StopAsync();

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
