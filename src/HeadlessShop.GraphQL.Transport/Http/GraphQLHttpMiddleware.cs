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
    private readonly GraphQLTransportOptions _options = options.Value;

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers["X-Request-Id"] = context.TraceIdentifier;
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await next(context);
            return;
        }

        if (!IsJson(context.Request.ContentType))
        {
            await WriteTransportErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, TransportErrorCodes.UnsupportedMediaType,
                $"Send the request with Content-Type: {JsonMediaType}.");
            return;
        }
        if (context.Request.ContentLength > _options.MaxRequestBytes)
        {
            await WriteTransportErrorAsync(context, StatusCodes.Status413PayloadTooLarge, TransportErrorCodes.PayloadTooLarge,
                $"The request body is larger than the {_options.MaxRequestBytes} bytes allowed.");
            return;
        }

        GraphQLRequest? request;
        try
        {
            request = await ReadRequestAsync(context);
        }
        catch (RequestTooLargeException)
        {
            await WriteTransportErrorAsync(context, StatusCodes.Status413PayloadTooLarge, TransportErrorCodes.PayloadTooLarge,
                $"The request body is larger than the {_options.MaxRequestBytes} bytes allowed.");
            return;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or NotSupportedException)
        {
            LogUnreadableBody(logger, context.TraceIdentifier, ex.Message);
            await WriteTransportErrorAsync(context, StatusCodes.Status400BadRequest, TransportErrorCodes.BadRequest,
                "The request body is not a valid GraphQL request: expected a JSON object with a string \"query\".");
            return;
        }
        if (request is null || string.IsNullOrWhiteSpace(request.Query))
        {
            await WriteTransportErrorAsync(context, StatusCodes.Status400BadRequest, TransportErrorCodes.BadRequest,
                "The request has no \"query\": send {\"query\": \"{ ... }\"}.");
            return;
        }

        var result = await ExecuteAsync(context, request);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = JsonMediaType + "; charset=utf-8";
        await serializer.WriteAsync(context.Response.Body, result, context.RequestAborted);
    }

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

    private async Task WriteTransportErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonMediaType + "; charset=utf-8";
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
