using GraphQL;
using GraphQL.Validation;
using GraphQLParser.AST;
using HeadlessShop.GraphQL.Transport.Errors;

namespace HeadlessShop.GraphQL.Transport.Limits;

/// <summary>
/// Refuses <c>__schema</c> and <c>__type</c> anywhere in the document (fragments included) when introspection is
/// switched off, during validation, so no resolver runs. <c>__typename</c> stays: clients need it for unions.
/// </summary>
internal sealed class IntrospectionDisabledRule : ValidationRuleBase
{
    public static IntrospectionDisabledRule Instance { get; } = new();

    private static readonly INodeVisitor Visitor = new MatchingNodeVisitor<GraphQLField>((field, context) =>
    {
        var name = field.Name.Value;
        if (name == "__schema" || name == "__type")
        {
            context.ReportError(new TransportValidationError(TransportErrorCodes.IntrospectionDisabled,
                $"Introspection is disabled on this server: \"{name}\" cannot be queried.").AddLocation(field, context.Document));
        }
    });

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) => new(Visitor);
}
