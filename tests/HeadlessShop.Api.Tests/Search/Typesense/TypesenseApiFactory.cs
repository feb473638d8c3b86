using System.Collections.Concurrent;
using HeadlessShop.Api.Search;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HeadlessShop.Api.Tests.Search.Typesense;

/// <summary>
/// The real application (PostgreSQL, Production mode) with <c>Typesense__Url</c> pointing at a stand-in and a fake
/// database engine registered keyed, the way the database search feature registers the real one.
/// </summary>
public sealed class TypesenseApiFactory : ShopApiFactory, IAsyncLifetime
{
    public override int Products => 25;

    public TypesenseStandIn Typesense { get; } = new();

    public FakeDatabaseEngine DatabaseEngine { get; } = new();

    public CapturingLoggerProvider Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        foreach (var (key, value) in TypesenseTestHost.Settings(Typesense.Url))
        {
            builder.UseSetting(key, value);
        }
        builder.UseSetting("Typesense:SearchAttemptTimeout", "00:00:01");
        builder.UseSetting("Typesense:SearchTotalTimeout", "00:00:03");
        builder.UseSetting("Typesense:CircuitBreakerMinimumThroughput", "2");
        builder.UseSetting("Typesense:CircuitBreakerSamplingDuration", "00:00:05");
        builder.UseSetting("Typesense:CircuitBreakerBreakDuration", "00:00:00.500");
        builder.ConfigureTestServices(services =>
        {
            services.AddKeyedSingleton<ISearchEngine>(SearchEngineKind.Database, DatabaseEngine);
            services.AddSingleton<ILoggerProvider>(Logs);
        });
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Typesense.Dispose();
    }
}

/// <summary>Stands in for the database engine: answers every query with product 1 and counts the calls.</summary>
public sealed class FakeDatabaseEngine : ISearchEngine
{
    private int _calls;

    public int Calls => _calls;

    public SearchEngineKind Kind => SearchEngineKind.Database;

    public Task<SearchHits> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(new SearchHits([1], 1, [], [], null, SearchEngineKind.Database));
    }
}

public sealed record CapturedLog(string Category, LogLevel Level, string Message);

public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => _entries.ToList();

    public void Clear() => _entries.Clear();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel) && category.Contains("Typesense", StringComparison.Ordinal))
            {
                entries.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception)));
            }
        }
    }
}
