using GraphQL;
using GraphQL.Execution;
using GraphQL.Validation;

namespace HeadlessShop.GraphQL.Transport.Errors;

/// <summary>
/// Shapes every error as <c>{ message, locations, path, extensions: { code, ... } }</c>, with one code per kind of
/// failure. Unexpected exceptions keep the generic message set when they were logged; details only when exposed.
/// </summary>
public sealed class TransportErrorInfoProvider(bool exposeExceptionDetails) : IErrorInfoProvider
{
    public ErrorInfo GetInfo(ExecutionError executionError)
    {
        ArgumentNullException.ThrowIfNull(executionError);
        if (executionError is UnhandledError unhandled)
        {
            var message = exposeExceptionDetails && unhandled.InnerException is { } inner
                ? $"{unhandled.Message} {inner}"
                : unhandled.Message;
            return new ErrorInfo { Message = message, Extensions = Code(TransportErrorCodes.InternalServerError) };
        }

        var code = executionError switch
        {
            TransportValidationError { Code: { } own } => own,
            SyntaxError => TransportErrorCodes.ParseFailed,
            InvalidVariableError => TransportErrorCodes.BadUserInput,
            ValidationError => TransportErrorCodes.ValidationFailed,
            _ => executionError.Code ?? TransportErrorCodes.InternalServerError,
        };
        var extensions = Code(code);
        foreach (var key in executionError.Data.Keys)
        {
            // Our own errors add typed details (e.g. "field", "maxAllowed") through Exception.Data.
            if (key is string name && name != "code")
            {
                extensions[name] = executionError.Data[key];
            }
        }
        return new ErrorInfo { Message = executionError.Message, Extensions = extensions };
    }

    private static Dictionary<string, object?> Code(string code) => new() { ["code"] = code };
}
