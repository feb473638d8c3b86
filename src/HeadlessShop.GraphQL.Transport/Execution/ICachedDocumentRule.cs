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
