using GraphQL.Validation;
using GraphQLParser.AST;
using HeadlessShop.GraphQL.Transport.Errors;
using Microsoft.Extensions.Options;

namespace HeadlessShop.GraphQL.Transport.Limits;

/// <summary>A document refused for its shape, not its meaning; carries its own code and the limit it broke.</summary>
public sealed class QueryLimitError : ValidationError
{
    public QueryLimitError(string code, string message, int maxAllowed, int actual)
        : base(message)
    {
        Code = code;
        Data["maxAllowed"] = maxAllowed;
        Data["actual"] = actual;
    }
}

/// <summary>
/// Refuses documents that are too deep, alias too much or ask for too many root fields, before any resolver
/// runs. Runs with the other validation rules, so a document that passed is cached already checked.
/// </summary>
public sealed class QueryLimitsRule(IOptions<GraphQLTransportOptions> options) : ValidationRuleBase
{
    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var limits = options.Value.Limits;
        var fragments = context.Document.Definitions.OfType<GraphQLFragmentDefinition>()
            .GroupBy(f => f.FragmentName.Name.StringValue)
            .ToDictionary(g => g.Key, g => g.First());
        var operation = context.Operation;
        var walk = new Walk(fragments);
        var depth = walk.Depth(operation.SelectionSet, 0, []);
        var rootFields = walk.CountFields(operation.SelectionSet, []);
        Check(context, TransportErrorCodes.QueryTooDeep, "The query is nested too deeply", limits.MaxDepth, depth);
        Check(context, TransportErrorCodes.TooManyAliases, "The query uses too many aliases", limits.MaxAliases, walk.Aliases);
        Check(context, TransportErrorCodes.TooManyRootFields, "The query asks for too many root fields", limits.MaxRootFields, rootFields);
        var cost = (int)Math.Min(int.MaxValue, walk.Cost(operation.SelectionSet, limits.VariablePageSize, []));
        Check(context, TransportErrorCodes.QueryTooCostly, "The query may return too many objects (cost)", limits.MaxCost, cost);
        return default;
    }

    private static void Check(ValidationContext context, string code, string what, int max, int actual)
    {
        if (max > 0 && actual > max)
        {
            context.ReportError(new QueryLimitError(code, $"{what}: {actual}, at most {max} allowed.", max, actual));
        }
    }

    private sealed class Walk(Dictionary<string, GraphQLFragmentDefinition> fragments)
    {
        private readonly HashSet<GraphQLSelectionSet> _aliasCounted = [];

        public int Aliases { get; private set; }

        public int Depth(GraphQLSelectionSet? set, int level, HashSet<string> path)
        {
            if (set is null)
            {
                return level;
            }
            var countAliases = _aliasCounted.Add(set);
            var deepest = level;
            foreach (var selection in set.Selections)
            {
                switch (selection)
                {
                    case GraphQLField field:
                        if (countAliases && field.Alias is not null)
                        {
                            Aliases++;
                        }
                        deepest = Math.Max(deepest, Depth(field.SelectionSet, level + 1, path));
                        break;
                    case GraphQLInlineFragment inline:
                        deepest = Math.Max(deepest, Depth(inline.SelectionSet, level, path));
                        break;
                    case GraphQLFragmentSpread spread when fragments.TryGetValue(spread.FragmentName.Name.StringValue, out var fragment)
                                                          && path.Add(fragment.FragmentName.Name.StringValue):
                        deepest = Math.Max(deepest, Depth(fragment.SelectionSet, level, path));
                        path.Remove(fragment.FragmentName.Name.StringValue);
                        break;
                }
            }
            return deepest;
        }

        /// <summary>
        /// Every field costs 1, and a field with a <c>first</c> or <c>last</c> argument multiplies the cost of its
        /// selection by that page size (a variable counts as <paramref name="variablePageSize"/>, the most it may ask).
        /// </summary>
        public long Cost(GraphQLSelectionSet? set, int variablePageSize, HashSet<string> path)
        {
            if (set is null)
            {
                return 0;
            }
            long total = 0;
            foreach (var selection in set.Selections)
            {
                total += selection switch
                {
                    GraphQLField field => 1 + (PageSize(field, variablePageSize) * Cost(field.SelectionSet, variablePageSize, path)),
                    GraphQLInlineFragment inline => Cost(inline.SelectionSet, variablePageSize, path),
                    GraphQLFragmentSpread spread when fragments.TryGetValue(spread.FragmentName.Name.StringValue, out var fragment)
                                                      && path.Add(fragment.FragmentName.Name.StringValue)
                        => CostAndLeave(fragment, variablePageSize, path),
                    _ => 0,
                };
                total = Math.Min(total, int.MaxValue);
            }
            return total;
        }

        private long CostAndLeave(GraphQLFragmentDefinition fragment, int variablePageSize, HashSet<string> path)
        {
            var cost = Cost(fragment.SelectionSet, variablePageSize, path);
            path.Remove(fragment.FragmentName.Name.StringValue);
            return cost;
        }

        private static long PageSize(GraphQLField field, int variablePageSize)
        {
            long size = 1;
            foreach (var argument in field.Arguments?.Items ?? [])
            {
                var name = argument.Name.StringValue;
                if (name is "first" or "last")
                {
                    size = Math.Max(size, argument.Value switch
                    {
                        GraphQLIntValue literal when int.TryParse(literal.Value.Span, out var n) => Math.Max(n, 1),
                        GraphQLVariable => variablePageSize,
                        _ => 1,
                    });
                }
            }
            return size;
        }

        public int CountFields(GraphQLSelectionSet set, HashSet<string> path)
        {
            var count = 0;
            foreach (var selection in set.Selections)
            {
                count += selection switch
                {
                    GraphQLField => 1,
                    GraphQLInlineFragment inline => CountFields(inline.SelectionSet, path),
                    GraphQLFragmentSpread spread when fragments.TryGetValue(spread.FragmentName.Name.StringValue, out var fragment)
                                                      && path.Add(fragment.FragmentName.Name.StringValue)
                        => CountAndLeave(fragment, path),
                    _ => 0,
                };
            }
            return count;
        }

        private int CountAndLeave(GraphQLFragmentDefinition fragment, HashSet<string> path)
        {
            var count = CountFields(fragment.SelectionSet, path);
            path.Remove(fragment.FragmentName.Name.StringValue);
            return count;
        }
    }
}
