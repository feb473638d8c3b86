using System.Text.Json;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Types;
using GraphQL.Validation;
using HeadlessShop.GraphQL.Transport.Errors;
using HeadlessShop.GraphQL.Transport.Execution;
using HeadlessShop.GraphQL.Transport.Limits;
using HeadlessShop.GraphQL.Transport.PersistedQueries;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HeadlessShop.GraphQL.Transport.Http;

/// <summary>
/// GraphQL over HTTP (the GraphQL Foundation's spec): POST with a JSON body, GET with query string parameters
/// (queries only: a mutation over GET is 405 with <c>Allow: POST</c>), the response media type negotiated from
/// <c>Accept</c>. Transport failures (unreadable body, wrong media type) are answered here with their HTTP status and
/// a GraphQL-shaped error body; status codes of executed requests follow the chosen media type (see StatusFor).
/// </summary>
public sealed partial class GraphQLHttpMiddleware(
    RequestDelegate next,
    IDocumentExecuter<ISchema> executer,
    IGraphQLTextSerializer serializer,
    IOptions<GraphQLTransportOptions> options,
    IPersistedQueryStore persistedQueries,
    ILogger<GraphQLHttpMiddleware> logger)
{
    private const string JsonMediaType = "application/json";
    private readonly GraphQLTransportOptions _options = options.Value;
    private readonly PersistedQueryResolver _persisted = new(persistedQueries, options.Value);

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

        var mediaType = AcceptNegotiation.Choose(context.Request.Headers.Accept);
        if (mediaType is null)
        {
            await WriteTransportErrorAsync(context, StatusCodes.Status406NotAcceptable, TransportErrorCodes.NotAcceptable,
                $"Accept {AcceptNegotiation.GraphQLResponseJson} or {AcceptNegotiation.Json}.", AcceptNegotiation.Json);
            return;
        }

        var (request, status, code, message) = isGet ? ReadQueryString(context) : await ReadBodyAsync(context);
        if (request is null)
        {
            await WriteTransportErrorAsync(context, status, code!, message!, mediaType);
            return;
        }
        if (TransportValidationRules.CheckLength(request.Query, _options) is { } tooLong)
        {
            await WriteTransportErrorAsync(context, StatusCodes.Status400BadRequest, tooLong.Code!, tooLong.Message, mediaType);
            return;
        }
        var persisted = await _persisted.ResolveAsync(request, context.RequestAborted);
        if (persisted.Request is null)
        {
            // APQ clients expect PersistedQueryNotFound as a normal GraphQL response, then retry with the text.
            var notFoundStatus = persisted.ErrorCode == TransportErrorCodes.PersistedQueryNotFound && mediaType == AcceptNegotiation.Json
                ? StatusCodes.Status200OK
                : StatusCodes.Status400BadRequest;
            await WriteTransportErrorAsync(context, notFoundStatus, persisted.ErrorCode!, persisted.ErrorMessage!, mediaType);
            return;
        }

        var result = await ExecuteAsync(context, persisted.Request, isGet);
        context.Response.StatusCode = StatusFor(result, mediaType);
        if (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed)
        {
            context.Response.Headers.Allow = "POST";
        }
        SetCacheControl(context, isGet && persisted.FromStore && result.Executed && result.Errors is not { Count: > 0 });
        context.Response.ContentType = mediaType + "; charset=utf-8";
        await serializer.WriteAsync(context.Response.Body, result, context.RequestAborted);
    }

    /// <summary>
    /// Only a successful persisted-query GET (GET carries queries only) from a caller without credentials may be
    /// stored by shared caches; everything else is marked private and not storable.
    /// </summary>
    private void SetCacheControl(HttpContext context, bool persistedQuerySucceeded)
    {
        var anonymous = context.User.Identity?.IsAuthenticated != true
            && !context.Request.Headers.ContainsKey("Authorization")
            && !context.Request.Headers.ContainsKey("Cookie");
        context.Response.Headers.CacheControl = persistedQuerySucceeded && anonymous && _options.PersistedQueryMaxAgeSeconds > 0
            ? $"public, max-age={_options.PersistedQueryMaxAgeSeconds}"
            : "private, no-store";
        context.Response.Headers.Vary = "Accept";
    }

    /// <summary>
    /// With <c>application/json</c> every well-formed request gets 200; with
    /// <c>application/graphql-response+json</c> a request that never reached execution (parse, validation or
    /// variable errors) gets 400, as the GraphQL-over-HTTP spec asks.
    /// </summary>
    private static int StatusFor(ExecutionResult result, string mediaType)
    {
        if (result.Errors?.Any(e => e.Code == TransportErrorCodes.MethodNotAllowed) == true)
        {
            return StatusCodes.Status405MethodNotAllowed;
        }
        return mediaType == AcceptNegotiation.GraphQLResponseJson && !result.Executed
            ? StatusCodes.Status400BadRequest
            : StatusCodes.Status200OK;
    }

    private readonly record struct ReadOutcome(GraphQLRequest? Request, int Status, string? Code, string? Message)
    {
        public static ReadOutcome Ok(GraphQLRequest request) => new(request, StatusCodes.Status200OK, null, null);

        public static ReadOutcome Bad(string message) =>
            new(null, StatusCodes.Status400BadRequest, TransportErrorCodes.BadRequest, message);
    }

    private ReadOutcome ReadQueryString(HttpContext context)
    {
        var query = context.Request.Query;
        var document = query["query"] is [{ Length: > 0 } text] ? text : null;
        var documentId = query["documentId"] is [{ Length: > 0 } id] ? id : null;
        try
        {
            var extensions = DeserializeMap<Inputs>(query["extensions"], "extensions");
            if (string.IsNullOrWhiteSpace(document) && documentId is null && extensions?.ContainsKey("persistedQuery") != true)
            {
                return ReadOutcome.Bad("The request has no \"query\" parameter: send ?query={...}.");
            }
            return ReadOutcome.Ok(new GraphQLRequest
            {
                Query = document,
                DocumentId = documentId,
                OperationName = query["operationName"] is [{ Length: > 0 } name] ? name : null,
                Variables = DeserializeMap<Inputs>(query["variables"], "variables"),
                Extensions = extensions,
            });
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or NotSupportedException)
        {
            return ReadOutcome.Bad($"A query string parameter is not valid: {ex.Message}");
        }
    }

    private T? DeserializeMap<T>(Microsoft.Extensions.Primitives.StringValues values, string parameter)
        where T : class
    {
        if (values is not [{ Length: > 0 } json])
        {
            return null;
        }
        if (!json.TrimStart().StartsWith('{'))
        {
            throw new FormatException($"\"{parameter}\" must be a JSON object.");
        }
        return serializer.Deserialize<T>(json);
    }

    private async Task<ReadOutcome> ReadBodyAsync(HttpContext context)
    {
        if (!IsJsonUtf8(context.Request.ContentType))
        {
            return new(null, StatusCodes.Status415UnsupportedMediaType, TransportErrorCodes.UnsupportedMediaType,
                $"Send the request with Content-Type: {JsonMediaType} (UTF-8).");
        }
        var tooLarge = new ReadOutcome(null, StatusCodes.Status413PayloadTooLarge, TransportErrorCodes.PayloadTooLarge,
            $"The request body is larger than the {_options.MaxRequestBytes} bytes allowed.");
        if (context.Request.ContentLength > _options.MaxRequestBytes)
        {
            return tooLarge;
        }
        GraphQLRequest? request;
        try
        {
            request = await ReadRequestAsync(context);
        }
        catch (RequestTooLargeException)
        {
            return tooLarge;
        }
        catch (BatchNotSupportedException)
        {
            return new(null, StatusCodes.Status400BadRequest, TransportErrorCodes.BatchingNotSupported,
                "Batched requests are not supported: send one operation per request (HTTP/2 multiplexes them).");
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or NotSupportedException)
        {
            LogUnreadableBody(logger, context.TraceIdentifier, ex.Message);
            return ReadOutcome.Bad("The request body is not a valid GraphQL request: expected a JSON object with a string \"query\".");
        }
        if (request is null
            || (string.IsNullOrWhiteSpace(request.Query) && string.IsNullOrEmpty(request.DocumentId)
                && request.Extensions?.ContainsKey("persistedQuery") != true))
        {
            return ReadOutcome.Bad("The request has no \"query\": send {\"query\": \"{ ... }\"}.");
        }
        return ReadOutcome.Ok(request);
    }

    private async Task<GraphQLRequest?> ReadRequestAsync(HttpContext context)
    {
        // Bound the read even when Content-Length is absent (chunked bodies).
        using var limited = new LengthLimitedStream(context.Request.Body, _options.MaxRequestBytes);
        using var body = new MemoryStream();
        await limited.CopyToAsync(body, context.RequestAborted);
        var bytes = body.GetBuffer().AsSpan(0, (int)body.Length);
        var start = bytes.IndexOfAnyExcept(" \t\r\n"u8);
        if (start >= 0 && bytes[start] == (byte)'[')
        {
            throw new BatchNotSupportedException();
        }
        body.Position = 0;
        return await serializer.ReadAsync<GraphQLRequest>(body, context.RequestAborted);
    }

    private async Task<ExecutionResult> ExecuteAsync(HttpContext context, GraphQLRequest request, bool isGet)
    {
        var kindRule = isGet ? OperationKindRule.ForGet : OperationKindRule.ForPost;
        var executionOptions = TransportExecution.Create(
            request, context, context.User, _options, kindRule, logger, context.RequestAborted);
        return await executer.ExecuteAsync(executionOptions);
    }

    private async Task WriteTransportErrorAsync(HttpContext context, int status, string code, string message, string mediaType)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = mediaType + "; charset=utf-8";
        var error = new ExecutionError(message) { Code = code };
        await serializer.WriteAsync(context.Response.Body, new ExecutionResult { Errors = [error] }, context.RequestAborted);
    }

    private static bool IsJsonUtf8(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && string.Equals(parsed.MediaType.Value, JsonMediaType, StringComparison.OrdinalIgnoreCase)
        && AcceptNegotiation.IsUtf8(parsed.Charset.Value);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {RequestId}: unreadable GraphQL request body: {Reason}")]
    private static partial void LogUnreadableBody(ILogger logger, string requestId, string reason);


    private sealed class BatchNotSupportedException : Exception;
}
