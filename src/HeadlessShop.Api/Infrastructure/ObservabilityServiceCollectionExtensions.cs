using HeadlessShop.Api.Data;
using HeadlessShop.GraphQL.Transport.Diagnostics;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HeadlessShop.Api.Infrastructure;

public static class ObservabilityServiceCollectionExtensions
{
    public const string ServiceName = "headlessshop-api";

    /// <summary>
    /// OpenTelemetry traces (HTTP, GraphQL operations, PostgreSQL, outgoing HTTP) and metrics (GraphQL, DataLoader,
    /// ASP.NET Core, runtime), scraped at /metrics (Prometheus) and pushed over OTLP when the standard
    /// OTEL_EXPORTER_OTLP_ENDPOINT is set. Traces are recorded only then (or with Telemetry:Tracing=true). Production logs are JSON lines with scopes (request id, operation name).
    /// </summary>
    public static IHostApplicationBuilder AddShopObservability(this IHostApplicationBuilder builder)
    {
        var mode = builder.Configuration.GetSection(ShopOptions.SectionName).GetValue(nameof(ShopOptions.Mode), ShopMode.Embedded);
        if (mode == ShopMode.Production)
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(options =>
            {
                options.IncludeScopes = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "O";
            });
        }

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName));
        // Spans cost CPU on every request; record them only when something will receive them.
        if (otlp || builder.Configuration.GetValue<bool>("Telemetry:Tracing"))
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(GraphQLTelemetry.ActivitySourceName)
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql());
        }
        telemetry.WithMetrics(metrics => metrics
                .AddMeter(GraphQLTelemetry.MeterName, ShopMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        if (otlp)
        {
            telemetry.UseOtlpExporter();
        }
        return builder;
    }

    public static WebApplication MapShopObservability(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/metrics");
}
