using GraphQL;
using GraphQL.Validation;
using GraphQLParser.AST;
using HeadlessShop.GraphQL.Transport.Errors;
using HeadlessShop.GraphQL.Transport.Execution;

namespace HeadlessShop.GraphQL.Transport.Http;

/// <summary>
/// Refuses operations the current HTTP request cannot carry: mutations over GET (they must not be cached or
/// prefetched) and subscriptions over plain HTTP (they need the WebSocket protocol). Runs before execution, so no
/// resolver ever starts; it is also listed among the rules that run on a validated-document cache hit.
/// </summary>
internal sealed class OperationKindRule(bool isGet) : CachedDocumentRule
{
    public static readonly OperationKindRule ForGet = new(isGet: true);
    public static readonly OperationKindRule ForPost = new(isGet: false);

    public override ValidationError? Check(GraphQLDocument document, GraphQLOperationDefinition operation, Inputs? variables)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (operation.Operation == OperationType.Subscription)
        {
            return new TransportValidationError(TransportErrorCodes.SubscriptionOverHttp,
                "Subscriptions are served over WebSocket: connect to this path with the graphql-transport-ws protocol.");
        }
        return isGet && operation.Operation == OperationType.Mutation
            ? new TransportValidationError(TransportErrorCodes.MethodNotAllowed, "Mutations must be sent with POST, not GET.")
            : null;
    }
}
