using GraphQL;
using GraphQL.Validation;
using GraphQLParser.AST;

namespace HeadlessShop.GraphQL.Transport.Execution;

/// <summary>
/// A validation rule that also checks a document that already passed full validation, directly on its syntax tree.
/// On a validated-document cache hit, when every remaining rule is one of these, the validator's walk of the whole
/// document with type information is skipped (GraphQL.NET walks whenever any rule is listed, even one that visits
/// nothing); variables are still coerced and checked by GraphQL.NET as on every request.
/// </summary>
internal interface ICachedDocumentRule
{
    /// <summary>The error this rule reports for <paramref name="operation"/> with these variables, or null.</summary>
    ValidationError? Check(GraphQLDocument document, GraphQLOperationDefinition operation, Inputs? variables);
}

/// <summary>
/// A rule whose whole check is <see cref="ICachedDocumentRule.Check"/>: the validator runs it once before visiting
/// the document (no visitor of its own), and a validated-document cache hit runs it directly.
/// </summary>
internal abstract class CachedDocumentRule : ValidationRuleBase, ICachedDocumentRule
{
    public sealed override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Check(context.Document, context.Operation, context.Variables) is { } error)
        {
            context.ReportError(error);
        }
        return ValueTask.FromResult<INodeVisitor?>(null);
    }

    public abstract ValidationError? Check(GraphQLDocument document, GraphQLOperationDefinition operation, Inputs? variables);
}

