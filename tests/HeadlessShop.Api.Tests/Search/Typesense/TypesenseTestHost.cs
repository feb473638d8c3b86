using HeadlessShop.Api.Search.Typesense;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HeadlessShop.Api.Tests.Search.Typesense;

/// <summary>
/// Just the Typesense registration (<c>AddTypesenseSearch</c>) in a generic host pointed at a stand-in, for client
/// and engine tests that need no database. Timeouts and the breaker are short so failures show quickly.
/// </summary>
public static class TypesenseTestHost
{
    public static Dictionary<string, string?> Settings(string url) => new()
    {
        ["Typesense:Url"] = url,
        ["Typesense:ApiKey"] = TypesenseStandIn.ApiKey,
        // Generous for a cold, busy test machine; the timeout tests set their own.
        ["Typesense:SearchAttemptTimeout"] = "00:00:10",
        ["Typesense:SearchTotalTimeout"] = "00:00:30",
        ["Typesense:IndexingAttemptTimeout"] = "00:00:05",
        ["Typesense:RetryBaseDelay"] = "00:00:00.010",
        ["Typesense:MaxRetries"] = "2",
        ["Typesense:CircuitBreakerMinimumThroughput"] = "100",
        ["Typesense:CircuitBreakerBreakDuration"] = "00:00:00.500",
        ["Typesense:ImportBatchSize"] = "2",
    };

    public static IHost Start(string url, IDictionary<string, string?>? overrides = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing", DisableDefaults = true });
        var settings = Settings(url);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.AddTypesenseSearch();
        var host = builder.Build();
        host.Start();
        return host;
    }

    public static T Get<T>(this IHost host) where T : notnull => host.Services.GetRequiredService<T>();
}
