using GraphQL;
using GraphQL.Validation;
using GraphQLParser;
using GraphQLParser.AST;
using HeadlessShop.GraphQL.Transport.Errors;
using HeadlessShop.GraphQL.Transport.Execution;

namespace HeadlessShop.GraphQL.Transport.Limits;

/// <summary>
/// Abuse limits checked during validation, so an abusive document is refused before any resolver runs: depth,
/// aliases, root fields and cost. Cost model: every field costs 1 times the product of the page sizes
/// (<c>first</c>/<c>last</c>, literal or variable) of the connections it is nested in, so
/// <c>products(first: 100) { nodes { variants(first: 50) { id } } }</c> costs 1 + 100 + 100 + 5000. Fragments are
/// expanded where they are spread. Runs on cached documents too, because the cost depends on variables.
/// Inside <c>__schema</c>/<c>__type</c>, <c>ofType</c> adds no depth: the standard introspection query (GraphiQL,
/// code generators) unwraps list and non-null wrappers seven levels deep, and each hop is one object, not a list.
/// </summary>
internal sealed class QueryLimitsRule(QueryLimits limits) : CachedDocumentRule
{
    public override ValidationError? Check(GraphQLDocument document, GraphQLOperationDefinition operation, Inputs? variables)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var measure = new Measure(document, variables, limits);
        var exceeded = measure.Walk(operation.SelectionSet, depth: 1, multiplier: 1, isRoot: true, introspection: false);
        return exceeded
            ? measure.Error
            : measure.Aliases > limits.MaxAliases
                ? new TransportValidationError(TransportErrorCodes.TooManyAliases, $"The document uses {measure.Aliases} aliases; at most {limits.MaxAliases} are allowed.")
                : measure.RootFields > limits.MaxRootFields
                    ? new TransportValidationError(TransportErrorCodes.TooManyRootFields, $"The operation selects {measure.RootFields} root fields; at most {limits.MaxRootFields} are allowed.")
                    : null;
    }

    private sealed class Measure(GraphQLDocument document, Inputs? variables, QueryLimits limits)
    {
        private readonly HashSet<string> _expanding = new(StringComparer.Ordinal);

        public int Aliases { get; private set; }

        public int RootFields { get; private set; }

        public double Cost { get; private set; }

        public TransportValidationError? Error { get; private set; }

        /// <summary>Walks a selection set; returns true as soon as depth or cost is over its limit (stops early).</summary>
        public bool Walk(GraphQLSelectionSet? selectionSet, int depth, double multiplier, bool isRoot, bool introspection)
        {
            if (selectionSet is null)
            {
                return false;
            }
            if (depth > limits.MaxDepth)
            {
                Error = new TransportValidationError(TransportErrorCodes.TooDeep, $"The document is nested deeper than {limits.MaxDepth} levels.");
                return true;
            }
            foreach (var selection in selectionSet.Selections)
            {
                var stop = selection switch
                {
                    GraphQLField field => Field(field, depth, multiplier, isRoot, introspection),
                    GraphQLInlineFragment inline => Walk(inline.SelectionSet, depth, multiplier, isRoot, introspection),
                    GraphQLFragmentSpread spread => Spread(spread, depth, multiplier, isRoot, introspection),
                    _ => false,
                };
                if (stop)
                {
                    return true;
                }
            }
            return false;
        }

        private bool Field(GraphQLField field, int depth, double multiplier, bool isRoot, bool introspection)
        {
            if (field.Alias is not null)
            {
                Aliases++;
            }
            if (isRoot)
            {
                RootFields++;
            }
            Cost += multiplier;
            if (Cost > limits.MaxCost)
            {
                Error = new TransportValidationError(TransportErrorCodes.TooCostly,
                    $"The operation costs more than {limits.MaxCost} (each field counts once per item of the lists it is in; lower first/last).");
                return true;
            }
            var name = field.Name.Value;
            introspection = introspection || name == "__schema" || name == "__type";
            var next = introspection && name == "ofType" ? depth : depth + 1;
            return Walk(field.SelectionSet, next, multiplier * PageSize(field), isRoot: false, introspection);
        }

        private bool Spread(GraphQLFragmentSpread spread, int depth, double multiplier, bool isRoot, bool introspection)
        {
            var name = spread.FragmentName.Name.StringValue;
            // Cycles are reported by the standard rules; here they are simply not followed.
            if (!_expanding.Add(name) || document.FindFragmentDefinition(spread.FragmentName.Name) is not { } fragment)
            {
                return false;
            }
            var stop = Walk(fragment.SelectionSet, depth, multiplier, isRoot, introspection);
            _expanding.Remove(name);
            return stop;
        }

        private double PageSize(GraphQLField field)
        {
            if (field.Arguments is null)
            {
                return 1;
            }
            double size = 1;
            foreach (var argument in field.Arguments)
            {
                if (argument.Name.Value != "first" && argument.Name.Value != "last")
                {
                    continue;
                }
                var value = argument.Value switch
                {
                    GraphQLIntValue literal when long.TryParse(literal.Value.Span, out var n) => n,
                    // Variables are not coerced yet: a non-number is left to the standard variable errors.
                    GraphQLVariable variable when variables?.TryGetValue(variable.Name.StringValue, out var v) == true => v switch
                    {
                        int i => i,
                        long l => l,
                        double d => d,
                        decimal m => (double)m,
                        _ => 1,
                    },
                    _ => 1,
                };
                size = Math.Max(size, value);
            }
            return size;
        }
    }
}

/// <summary>The limits, from <see cref="GraphQLTransportOptions"/>.</summary>
public sealed record QueryLimits(int MaxDepth, int MaxAliases, int MaxRootFields, int MaxCost);
