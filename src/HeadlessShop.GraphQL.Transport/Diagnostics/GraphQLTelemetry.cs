using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using GraphQL;
using GraphQL.DI;
using GraphQL.Execution;
using GraphQL.Validation;
using Microsoft.Extensions.Logging;

namespace HeadlessShop.GraphQL.Transport.Diagnostics;

/// <summary>
/// Wraps every execution in an OpenTelemetry span named "{type} {operation}" (tags: operation name and type and a
/// SHA-256 hash of the document; never variable values), a log scope carrying the operation name, and metrics:
/// requests, errors by code and execution time.
/// </summary>
public sealed class GraphQLTelemetry(ILogger<GraphQLTelemetry> logger) : IConfigureExecution
{
    public const string ActivitySourceName = "HeadlessShop.GraphQL";
    public const string MeterName = "HeadlessShop.GraphQL";

    private static readonly ActivitySource Source = new(ActivitySourceName);
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("graphql.requests", description: "GraphQL operations executed");
    private static readonly Counter<long> Errors = Meter.CreateCounter<long>("graphql.errors", description: "GraphQL errors returned, by code");
    private static readonly Histogram<double> Duration =
        Meter.CreateHistogram<double>("graphql.execution.duration", unit: "ms", description: "Parse, validate and execute time");

    public float SortOrder => 0;

    public async Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(next);
        using var activity = Source.StartActivity("graphql", ActivityKind.Internal);
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["OperationName"] = options.OperationName });
        if (activity is not null)
        {
            activity.SetTag("graphql.document.hash", DocumentHash(options.Query));
            options.Listeners.Add(new OperationTagger(activity));
        }

        var started = Stopwatch.GetTimestamp();
        var result = await next(options);
        var operationType = result.Operation?.Operation.ToString().ToLowerInvariant() ?? "unknown";
        var operationTag = new KeyValuePair<string, object?>("graphql.operation.type", operationType);
        Requests.Add(1, operationTag);
        Duration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, operationTag);
        if (result.Errors is { Count: > 0 } errors)
        {
            activity?.SetStatus(ActivityStatusCode.Error);
            foreach (var error in errors)
            {
                Errors.Add(1, new KeyValuePair<string, object?>("graphql.error.code", CodeOf(error)));
            }
        }
        return result;
    }

    private static string CodeOf(ExecutionError error) => error switch
    {
        UnhandledError => "INTERNAL_SERVER_ERROR",
        ValidationError => "GRAPHQL_VALIDATION_FAILED",
        _ => error.Code ?? "INTERNAL_SERVER_ERROR",
    };

    private static string? DocumentHash(string? query)
    {
        if (query is null)
        {
            return null;
        }
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(query), hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Names the span once the operation is known (after validation), before any resolver runs.</summary>
    private sealed class OperationTagger(Activity activity) : DocumentExecutionListenerBase
    {
        public override Task AfterValidationAsync(IExecutionContext context, IValidationResult validationResult)
        {
            var type = context.Operation.Operation.ToString().ToLowerInvariant();
            var name = context.Operation.Name?.StringValue;
            activity.DisplayName = name is null ? type : $"{type} {name}";
            activity.SetTag("graphql.operation.type", type);
            activity.SetTag("graphql.operation.name", name);
            return Task.CompletedTask;
        }
    }
}
