using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace HeadlessShop.Api.Search.Typesense;

public static partial class TypesenseServiceCollectionExtensions
{
    /// <summary>True when <c>Typesense:Url</c> is set: the cluster answers searches and the database is the fallback.</summary>
    public static bool IsTypesenseEnabled(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration?[$"{TypesenseOptions.SectionName}:{nameof(TypesenseOptions.Url)}"]);

    /// <summary>
    /// With <c>Typesense:Url</c> configured: the typed client (two resilient HttpClients), the Typesense engine (keyed
    /// <see cref="SearchEngineKind.Typesense"/>), its indexer (an <see cref="ISearchIndexer"/>) and the
    /// <see cref="FallbackSearchEngine"/> as the <see cref="ISearchEngine"/>, replacing the database engine's default
    /// registration. Call it after the database search engine is added. Without the setting it adds nothing.
    /// </summary>
    public static IHostApplicationBuilder AddTypesenseSearch(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!IsTypesenseEnabled(builder.Configuration))
        {
            return builder;
        }
        var services = builder.Services;
        services.AddOptions<TypesenseOptions>().BindConfiguration(TypesenseOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.AddHttpClient(TypesenseClient.SearchClientName, ConfigureHttpClient)
            .AddResilienceHandler("typesense-search", (pipeline, context) =>
            {
                var o = context.ServiceProvider.GetRequiredService<IOptions<TypesenseOptions>>().Value;
                AddStrategies(pipeline, o, context.ServiceProvider, o.SearchTotalTimeout, o.SearchAttemptTimeout, "search");
            });
        services.AddHttpClient(TypesenseClient.IndexingClientName, ConfigureHttpClient)
            .AddResilienceHandler("typesense-indexing", (pipeline, context) =>
            {
                var o = context.ServiceProvider.GetRequiredService<IOptions<TypesenseOptions>>().Value;
                var attempt = o.IndexingAttemptTimeout;
                AddStrategies(pipeline, o, context.ServiceProvider, attempt * (o.MaxRetries + 1) + TimeSpan.FromSeconds(o.MaxRetries * 10), attempt, "indexing");
            });

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TypesenseClient>();
        services.TryAddSingleton<SearchDocumentReader>();
        services.TryAddSingleton<TypesenseSearchIndexer>();
        services.AddSingleton<ISearchIndexer>(sp => sp.GetRequiredService<TypesenseSearchIndexer>());
        // Replace only the default (unkeyed) engine: the keyed database engine stays, as the fallback.
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(ISearchEngine) && !d.IsKeyedService).ToList())
        {
            services.Remove(descriptor);
        }
        services.AddKeyedSingleton<ISearchEngine, TypesenseSearchEngine>(SearchEngineKind.Typesense);
        services.AddSingleton<ISearchEngine, FallbackSearchEngine>();
        return builder;
    }

    private static void ConfigureHttpClient(IServiceProvider services, HttpClient client)
    {
        var options = services.GetRequiredService<IOptions<TypesenseOptions>>().Value;
        client.BaseAddress = options.Url;
        // The resilience pipeline owns every timeout.
        client.Timeout = Timeout.InfiniteTimeSpan;
        client.DefaultRequestHeaders.Add(TypesenseClient.ApiKeyHeader, options.ApiKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <summary>Total timeout, then retries of 5xx/408/429/network errors/attempt timeouts with jittered exponential backoff, a circuit breaker, a per-attempt timeout.</summary>
    private static void AddStrategies(
        ResiliencePipelineBuilder<HttpResponseMessage> pipeline, TypesenseOptions o, IServiceProvider services, TimeSpan total, TimeSpan attempt, string name)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TypesenseClient));
        pipeline
            .AddTimeout(total)
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, o.MaxRetries),
                ShouldHandle = o.MaxRetries == 0
                    ? _ => PredicateResult.False()
                    : args => ValueTask.FromResult(HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryBaseDelay,
            })
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = o.CircuitBreakerFailureRatio,
                MinimumThroughput = o.CircuitBreakerMinimumThroughput,
                SamplingDuration = o.CircuitBreakerSamplingDuration,
                BreakDuration = o.CircuitBreakerBreakDuration,
                OnOpened = args =>
                {
                    LogCircuitOpened(logger, name, args.BreakDuration, args.Outcome.Exception?.GetType().Name ?? $"HTTP {(int?)args.Outcome.Result?.StatusCode}");
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    LogCircuitClosed(logger, name);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(attempt);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Typesense {Client} circuit opened for {BreakDuration} after {Failure}")]
    private static partial void LogCircuitOpened(ILogger logger, string client, TimeSpan breakDuration, string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "Typesense {Client} circuit closed: Typesense answers again")]
    private static partial void LogCircuitClosed(ILogger logger, string client);
}
