using System.Security.Claims;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Validation;
using HeadlessShop.GraphQL.Transport.Limits;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HeadlessShop.GraphQL.Transport.Execution;

/// <summary>The execution options both transports (HTTP and WebSocket) build for a request: limits, the caller,
/// and internal errors logged with the request id and answered without details.</summary>
internal static partial class TransportExecution
{
    public static ExecutionOptions Create(
        GraphQLRequest request, HttpContext context, ClaimsPrincipal user, GraphQLTransportOptions options,
        IValidationRule? extraRule, ILogger logger, CancellationToken cancellationToken)
    {
        var execution = new ExecutionOptions
        {
            Query = request.Query,
            OperationName = request.OperationName,
            Variables = request.Variables,
            Extensions = request.Extensions,
            RequestServices = context.RequestServices,
            User = user,
            CancellationToken = cancellationToken,
            UnhandledExceptionDelegate = unhandled =>
            {
                LogUnhandled(logger, unhandled.Exception, context.TraceIdentifier, unhandled.FieldContext?.FieldDefinition.Name);
                unhandled.ErrorMessage = $"Internal server error. Request id: {context.TraceIdentifier}.";
                return Task.CompletedTask;
            },
        };
        TransportValidationRules.Apply(execution, options, extraRule);
        return execution;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId}: unhandled exception in field {Field}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string requestId, string? field);
}
