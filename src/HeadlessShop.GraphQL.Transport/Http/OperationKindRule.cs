using GraphQL.Validation;
using GraphQLParser.AST;
using HeadlessShop.GraphQL.Transport.Errors;

namespace HeadlessShop.GraphQL.Transport.Http;

/// <summary>
/// Refuses operations the current HTTP request cannot carry: mutations over GET (they must not be cached or
/// prefetched) and subscriptions over plain HTTP (they need the WebSocket protocol). Runs before execution, so no
/// resolver ever starts; it is also listed among the rules that run on a validated-document cache hit.
/// </summary>
internal sealed class OperationKindRule(bool isGet) : ValidationRuleBase
{
    public static readonly OperationKindRule ForGet = new(isGet: true);
    public static readonly OperationKindRule ForPost = new(isGet: false);

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var operation = context.Operation;
        if (operation.Operation == OperationType.Subscription)
        {
            context.ReportError(new TransportValidationError(TransportErrorCodes.SubscriptionOverHttp,
                "Subscriptions are served over WebSocket: connect to this path with the graphql-transport-ws protocol."));
        }
        else if (isGet && operation.Operation == OperationType.Mutation)
        {
            context.ReportError(new TransportValidationError(TransportErrorCodes.MethodNotAllowed,
                "Mutations must be sent with POST, not GET."));
        }
        return ValueTask.FromResult<INodeVisitor?>(null);
    }
}
