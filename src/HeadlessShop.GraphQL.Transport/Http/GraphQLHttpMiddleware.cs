using System.Text.Json;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Types;
using HeadlessShop.GraphQL.Transport.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HeadlessShop.GraphQL.Transport.Http;

/// <summary>
/// GraphQL over HTTP: reads one request, executes it against the registered schema and streams the result.
/// Transport failures (unreadable body, wrong media type) are answered here with their HTTP status and a
/// GraphQL-shaped error body; everything that reaches the executor is answered with 200 and <c>errors</c>.
/// </summary>
public sealed partial class GraphQLHttpMiddleware(
    RequestDelegate next,
    IDocumentExecuter<ISchema> executer,
    IGraphQLTextSerializer serializer,
    IOptions<GraphQLTransportOptions> options,
    ILogger<GraphQLHttpMiddleware> logger)
{
    private const string JsonMediaType = "application/json";
    private const string GraphQLResponseMediaType = "application/graphql-response+json";
    private readonly GraphQLTransportOptions _options = options.Value;

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers["X-Request-Id"] = context.TraceIdentifier;
        var isGet = HttpMethods.IsGet(context.Request.Method);
        if (!isGet && !HttpMethods.IsPost(context.Request.Method))
        {
            await next(context);
            return;
        }

        var responseType = NegotiateResponseType(context.Request.Headers.Accept.ToString());
        if (responseType is null)
        {
            // The body still has to be readable by somebody: answer in plain JSON.
            await WriteTransportErrorAsync(context, StatusCodes.Status406NotAcceptable, TransportErrorCodes.NotAcceptable,
                $"Accept {GraphQLResponseMediaType} or {JsonMediaType}.", JsonMediaType);
            return;
        }

        GraphQLRequest? request;
        if (isGet)
        {
            try
            {
                request = ReadGetRequest(context.Request.Query);
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or NotSupportedException)
            {
                LogUnreadableBody(logger, context.TraceIdentifier, ex.Message);
                await WriteTransportErrorAsync(context, StatusCodes.Status400BadRequest, TransportErrorCodes.BadRequest,
                    "The \"variables\" and \"extensions\" query parameters must be JSON objects.", responseType);
                return;
            }
        }
        else
        {
            if (!IsJson(context.Request.ContentType))
            {
                await WriteTransportErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, TransportErrorCodes.UnsupportedMediaType,
                    $"Send the request with Content-Type: {JsonMediaType}.", responseType);
                return;
            }
            if (context.Request.ContentLength > _options.MaxRequestBytes)
            {
                await WriteTransportErrorAsync(context, StatusCodes.Status413PayloadTooLarge, TransportErrorCodes.PayloadTooLarge,
                    $"The request body is larger than the {_options.MaxRequestBytes} bytes allowed.", responseType);
                return;
            }
            try
            {
                request = await ReadRequestAsync(context);
            }
            catch (RequestTooLargeException)
            {
                await WriteTransportErrorAsync(context, StatusCodes.Status413PayloadTooLarge, TransportErrorCodes.PayloadTooLarge,
                    $"The request body is larger than the {_options.MaxRequestBytes} bytes allowed.", responseType);
                return;
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or NotSupportedException)
            {
                LogUnreadableBody(logger, context.TraceIdentifier, ex.Message);
                await WriteTransportErrorAsync(context, StatusCodes.Status400BadRequest, TransportErrorCodes.BadRequest,
                    "The request body is not a valid GraphQL request: expected a JSON object with a string \"query\".", responseType);
                return;
            }
        }
        if (request is null || string.IsNullOrWhiteSpace(request.Query))
        {
            await WriteTransportErrorAsync(context, StatusCodes.Status400BadRequest, TransportErrorCodes.BadRequest,
                "The request has no \"query\": send {\"query\": \"{ ... }\"}.", responseType);
            return;
        }
        if (isGet && OperationSelector.IsNonQuery(request.Query, request.OperationName))
        {
            context.Response.Headers.Allow = "POST";
            await WriteTransportErrorAsync(context, StatusCodes.Status405MethodNotAllowed, TransportErrorCodes.MethodNotAllowed,
                "Mutations and subscriptions must be sent with POST.", responseType);
            return;
        }

        var result = await ExecuteAsync(context, request);
        // application/json keeps the legacy contract (always 200); graphql-response+json says 400 when
        // the request never reached execution (parse or validation failure), as GraphQL over HTTP asks.
        context.Response.StatusCode = responseType == GraphQLResponseMediaType && !result.Executed
            ? StatusCodes.Status400BadRequest
            : StatusCodes.Status200OK;
        context.Response.ContentType = responseType + "; charset=utf-8";
        await serializer.WriteAsync(context.Response.Body, result, context.RequestAborted);
    }

    /// <summary>
    /// Picks the response media type from Accept: <c>application/graphql-response+json</c> when the client
    /// names it, <c>application/json</c> for legacy clients, a missing Accept or a wildcard (as the GraphQL over
    /// HTTP watershed rules suggest), null when nothing acceptable is offered.
    /// </summary>
    internal static string? NegotiateResponseType(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return JsonMediaType;
        }
        string? best = null;
        double bestQuality = 0;
        foreach (var range in accept.Split(','))
        {
            var parts = range.Split(';');
            var mediaType = parts[0].Trim();
            var quality = 1.0;
            foreach (var parameter in parts.Skip(1))
            {
                var kv = parameter.Split('=', 2);
                if (kv.Length == 2 && kv[0].Trim().Equals("q", StringComparison.OrdinalIgnoreCase)
                    && double.TryParse(kv[1].Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var q))
                {
                    quality = q;
                }
            }
            var candidate = mediaType.ToUpperInvariant() switch
            {
                "APPLICATION/GRAPHQL-RESPONSE+JSON" => GraphQLResponseMediaType,
                "APPLICATION/JSON" or "*/*" or "APPLICATION/*" => JsonMediaType,
                _ => null,
            };
            // Ties go to the first listed range.
            if (candidate is not null && quality > bestQuality)
            {
                best = candidate;
                bestQuality = quality;
            }
        }
        return best;
    }

    private GraphQLRequest ReadGetRequest(IQueryCollection query) => new()
    {
        Query = query["query"].ToString(),
        OperationName = string.IsNullOrEmpty(query["operationName"].ToString()) ? null : query["operationName"].ToString(),
        Variables = ParseObject<Inputs>(query["variables"].ToString()),
        Extensions = ParseObject<Inputs>(query["extensions"].ToString()),
    };

    private T? ParseObject<T>(string json) where T : class =>
        string.IsNullOrWhiteSpace(json) ? null : serializer.Deserialize<T>(json) ?? throw new FormatException("Expected a JSON object.");

    private async Task<GraphQLRequest?> ReadRequestAsync(HttpContext context)
    {
        // Bound the read even when Content-Length is absent (chunked bodies).
        using var limited = new LengthLimitedStream(context.Request.Body, _options.MaxRequestBytes);
        return await serializer.ReadAsync<GraphQLRequest>(limited, context.RequestAborted);
    }

    private async Task<ExecutionResult> ExecuteAsync(HttpContext context, GraphQLRequest request)
    {
        var executionOptions = new ExecutionOptions
        {
            Query = request.Query,
            OperationName = request.OperationName,
            Variables = request.Variables,
            Extensions = request.Extensions,
            RequestServices = context.RequestServices,
            User = context.User,
            CancellationToken = context.RequestAborted,
            UnhandledExceptionDelegate = unhandled =>
            {
                LogUnhandled(logger, unhandled.Exception, context.TraceIdentifier, unhandled.FieldContext?.FieldDefinition.Name);
                unhandled.ErrorMessage = $"Internal server error. Request id: {context.TraceIdentifier}.";
                return Task.CompletedTask;
            },
        };
        return await executer.ExecuteAsync(executionOptions);
    }

    private async Task WriteTransportErrorAsync(HttpContext context, int status, string code, string message, string mediaType)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = mediaType + "; charset=utf-8";
        var error = new ExecutionError(message) { Code = code };
        await serializer.WriteAsync(context.Response.Body, new ExecutionResult { Errors = [error] }, context.RequestAborted);
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null
        && contentType.Split(';')[0].Trim().Equals(JsonMediaType, StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {RequestId}: unreadable GraphQL request body: {Reason}")]
    private static partial void LogUnreadableBody(ILogger logger, string requestId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId}: unhandled exception in field {Field}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string requestId, string? field);
}
