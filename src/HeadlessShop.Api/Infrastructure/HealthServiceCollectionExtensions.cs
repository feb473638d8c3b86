using System.Text.Json;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.Search.Typesense;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace HeadlessShop.Api.Infrastructure;

public static class HealthServiceCollectionExtensions
{
    /// <summary>Checks tagged "ready" decide /readyz. A check that can degrade (search) reports Degraded, not Unhealthy.</summary>
    public const string ReadyTag = "ready";

    public static IHostApplicationBuilder AddShopHealth(this IHostApplicationBuilder builder)
    {
        var checks = builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);
        if (RedisServiceCollectionExtensions.IsRedisEnabled(builder.Configuration))
        {
            checks.AddCheck<RedisHealthCheck>("redis", tags: [ReadyTag]);
        }
        if (Uri.TryCreate(builder.Configuration["Typesense:Url"], UriKind.Absolute, out var typesense))
        {
            // Search falls back to the database, so a Typesense outage degrades the instance; it never makes it unready.
            builder.Services.AddHttpClient(TypesenseHealthCheck.HttpClientName, client =>
            {
                client.BaseAddress = typesense;
                client.Timeout = TimeSpan.FromSeconds(2);
                client.DefaultRequestHeaders.Add("X-TYPESENSE-API-KEY", builder.Configuration["Typesense:ApiKey"] ?? "");
            });
            checks.AddCheck<TypesenseHealthCheck>("typesense", failureStatus: HealthStatus.Degraded, tags: [ReadyTag]);
        }
        return builder;
    }

    /// <summary>/healthz: the process answers (liveness, no dependencies). /readyz: every dependency, as JSON.</summary>
    public static WebApplication MapShopHealth(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJsonAsync });
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteJsonAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        return app;
    }

    private static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1) }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, JsonSerializerOptions.Web, context.RequestAborted);
    }
}

internal sealed class DatabaseHealthCheck(IDbContextFactory<ShopDbContext> contexts) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var provider = db.Database.IsNpgsql() ? "PostgreSQL" : "SQLite";
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy($"{provider} reachable")
                : HealthCheckResult.Unhealthy($"{provider} unreachable");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("database unreachable: " + ex.GetType().Name);
        }
    }
}

internal sealed class TypesenseHealthCheck(IHttpClientFactory clients, TypesenseClient? typesense = null) : IHealthCheck
{
    public const string HttpClientName = "typesense-health";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (typesense is not null)
        {
            // The search client's own call, through its breaker: an open circuit reads as degraded at once.
            try
            {
                return await typesense.HealthAsync(cancellationToken)
                    ? HealthCheckResult.Healthy("Typesense healthy")
                    : new HealthCheckResult(context.Registration.FailureStatus, "Typesense /health is not ok; search uses the database");
            }
            catch (TypesenseException ex)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, $"Typesense unavailable ({ex.InnerException?.GetType().Name ?? $"HTTP {(int?)ex.StatusCode}"}); search uses the database");
            }
        }
        try
        {
            using var response = await clients.CreateClient(HttpClientName).GetAsync(new Uri("/health", UriKind.Relative), cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy("Typesense healthy")
                : new HealthCheckResult(context.Registration.FailureStatus, $"Typesense /health answered {(int)response.StatusCode}; search uses the database");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Typesense unreachable ({ex.GetType().Name}); search uses the database");
        }
    }
}

internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return HealthCheckResult.Unhealthy("Redis not connected");
        }
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy($"Redis ping {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis ping failed: " + ex.GetType().Name);
        }
    }
}
