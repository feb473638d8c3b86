using GraphQL;
using GraphQL.Validation;
using GraphQLParser;
using GraphQLParser.Exceptions;
using HeadlessShop.GraphQL.Transport.Errors;

namespace HeadlessShop.GraphQL.Transport.Limits;

/// <summary>The validation rules every transport (HTTP and WebSocket) runs, and the pre-parse size checks.</summary>
internal static class TransportValidationRules
{
    /// <summary>Adds the abuse limits and <paramref name="extra"/> to both the full and the cached-document rule
    /// lists, so a validated-document cache hit is still measured against the current variables. The introspection
    /// refusal needs only the full list: it does not depend on variables, and a refused document is never cached.</summary>
    public static void Apply(ExecutionOptions execution, GraphQLTransportOptions options, IValidationRule? extra)
    {
        IValidationRule limits = new QueryLimitsRule(options.QueryLimits);
        IValidationRule[] own = extra is null ? [limits] : [limits, extra];
        execution.ValidationRules = options.Introspection
            ? [.. DocumentValidator.CoreRules, .. own]
            : [IntrospectionDisabledRule.Instance, .. DocumentValidator.CoreRules, .. own];
        execution.CachedDocumentValidationRules = own;
    }

    /// <summary>An error when the document is longer than allowed (characters) or holds too many tokens; checked
    /// before the parser sees it, characters first so the token count never lexes more than the allowed length.</summary>
    public static ExecutionError? CheckLength(string? document, GraphQLTransportOptions options)
    {
        if (document is null)
        {
            return null;
        }
        if (document.Length > options.MaxDocumentLength)
        {
            return new ExecutionError($"The document is {document.Length} characters long; at most {options.MaxDocumentLength} are allowed.")
            {
                Code = TransportErrorCodes.TooLarge,
            };
        }
        return CountTokens(document, options.MaxTokens) > options.MaxTokens
            ? new ExecutionError($"The document has more than {options.MaxTokens} tokens.") { Code = TransportErrorCodes.TooManyTokens }
            : null;
    }

    /// <summary>Counts the document's tokens (comments excluded, as graphql-js's maxTokens does), stopping once past
    /// <paramref name="limit"/>. A lexical error ends the count: the parser reports it with its location.</summary>
    internal static int CountTokens(string document, int limit)
    {
        var source = new ROM(document.AsMemory());
        var count = 0;
        var position = 0;
        try
        {
            while (count <= limit)
            {
                var token = Lexer.Lex(source, position);
                if (token.Kind == TokenKind.EOF)
                {
                    break;
                }
                if (token.Kind != TokenKind.COMMENT)
                {
                    count++;
                }
                position = token.End;
            }
        }
        catch (GraphQLSyntaxErrorException)
        {
            // Counted so far stands; the parse that follows produces the syntax error.
        }
        return count;
    }
}
