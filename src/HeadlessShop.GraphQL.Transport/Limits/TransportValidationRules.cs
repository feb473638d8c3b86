using GraphQL;
using GraphQL.Validation;
using HeadlessShop.GraphQL.Transport.Errors;

namespace HeadlessShop.GraphQL.Transport.Limits;

/// <summary>The validation rules every transport (HTTP and WebSocket) runs, and the pre-parse size check.</summary>
internal static class TransportValidationRules
{
    /// <summary>Adds the abuse limits and <paramref name="extra"/> to both the full and the cached-document rule
    /// lists, so a validated-document cache hit is still measured against the current variables.</summary>
    public static void Apply(ExecutionOptions execution, GraphQLTransportOptions options, IValidationRule? extra)
    {
        IValidationRule limits = new QueryLimitsRule(options.QueryLimits);
        IValidationRule[] own = extra is null ? [limits] : [limits, extra];
        execution.ValidationRules = [.. DocumentValidator.CoreRules, .. own];
        execution.CachedDocumentValidationRules = own;
    }

    /// <summary>An error when the document is longer than allowed; checked before the parser sees it.</summary>
    public static ExecutionError? CheckLength(string? document, GraphQLTransportOptions options) =>
        document is not null && document.Length > options.MaxDocumentLength
            ? new ExecutionError($"The document is {document.Length} characters long; at most {options.MaxDocumentLength} are allowed.")
            {
                Code = TransportErrorCodes.TooLarge,
            }
            : null;
}
