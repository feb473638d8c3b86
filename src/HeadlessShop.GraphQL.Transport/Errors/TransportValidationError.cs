using GraphQL.Validation;

namespace HeadlessShop.GraphQL.Transport.Errors;

/// <summary>A validation error raised by a transport rule; keeps its own <c>extensions.code</c>.</summary>
public sealed class TransportValidationError : ValidationError
{
    public TransportValidationError(string code, string message) : base(message)
    {
        Code = code;
    }
}
