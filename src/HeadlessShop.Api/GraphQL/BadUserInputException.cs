using GraphQL;
using HeadlessShop.GraphQL.Transport.Errors;

namespace HeadlessShop.Api.GraphQL;

/// <summary>
/// Thrown for malformed arguments (ids, cursors, page sizes) of queries. Surfaces as a GraphQL error with
/// <c>extensions.code = BAD_USER_INPUT</c> and <c>extensions.argument</c>. Mutations use typed userErrors instead.
/// </summary>
public sealed class BadUserInputException : ExecutionError
{
    public BadUserInputException(string message, string argument)
        : base(message)
    {
        Code = TransportErrorCodes.BadUserInput;
        Data["argument"] = argument;
    }
}
