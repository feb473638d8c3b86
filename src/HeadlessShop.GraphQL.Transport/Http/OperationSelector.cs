using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;

namespace HeadlessShop.GraphQL.Transport.Http;

/// <summary>Finds which operation of a document a request runs, before execution, so GET can refuse writes.</summary>
internal static class OperationSelector
{
    /// <summary>
    /// True when the selected operation is a mutation or subscription. Unparseable documents and unknown
    /// operation names return false: the executor reports those as ordinary GraphQL errors.
    /// </summary>
    public static bool IsNonQuery(string query, string? operationName)
    {
        GraphQLDocument document;
        try
        {
            document = Parser.Parse(query);
        }
        catch (GraphQLSyntaxErrorException)
        {
            return false;
        }
        GraphQLOperationDefinition? selected = null;
        foreach (var operation in document.Definitions.OfType<GraphQLOperationDefinition>())
        {
            if (operationName is null ? selected is null : operation.Name?.StringValue == operationName)
            {
                selected = operation;
                if (operationName is not null)
                {
                    break;
                }
            }
        }
        return selected is not null && selected.Operation != OperationType.Query;
    }
}
