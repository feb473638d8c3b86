using GraphQL;

namespace HeadlessShop.Api.GraphQL;

/// <summary>A validated Relay page request: how many, in which direction, from which cursor.</summary>
public sealed record PageRequest(int Size, bool Backward, string? Cursor)
{
    public const int DefaultSize = 20;
    public const int MaxSize = 100;

    /// <summary>Reads first/after/last/before; sizes above <see cref="MaxSize"/> or mixed directions are BAD_USER_INPUT.</summary>
    public static PageRequest From(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var first = context.GetArgument<int?>("first");
        var last = context.GetArgument<int?>("last");
        var after = context.GetArgument<string?>("after");
        var before = context.GetArgument<string?>("before");
        if (first is not null && last is not null)
        {
            throw new BadUserInputException("Pass either \"first\" (with \"after\") or \"last\" (with \"before\"), not both.", "last");
        }
        if ((last is not null || before is not null) && after is not null)
        {
            throw new BadUserInputException("\"after\" pages forward: combine it with \"first\", not \"last\"/\"before\".", "after");
        }
        if (first is not null && before is not null)
        {
            throw new BadUserInputException("\"before\" pages backward: combine it with \"last\", not \"first\".", "before");
        }
        var backward = last is not null || before is not null;
        var name = backward ? "last" : "first";
        var size = (backward ? last : first) ?? DefaultSize;
        if (size is < 0 or > MaxSize)
        {
            var error = new BadUserInputException($"\"{name}\" must be between 0 and {MaxSize}; it was {size}.", name);
            error.Data["maxAllowed"] = MaxSize;
            throw error;
        }
        return new PageRequest(size, backward, backward ? before : after);
    }
}

public sealed record PageInfo(bool HasNextPage, bool HasPreviousPage, string? StartCursor, string? EndCursor);

/// <summary>An edge; its cursor is encoded only if a client selects it.</summary>
public sealed class Edge<T>(T node, Func<T, string> cursorOf)
{
    private string? _cursor;

    public T Node { get; } = node;
    public string Cursor => _cursor ??= cursorOf(Node);
}

/// <summary>A page of a connection. <see cref="TotalCount"/> runs its query only when a client selects it.</summary>
public sealed class Connection<T>(IReadOnlyList<Edge<T>> edges, PageInfo pageInfo, Func<CancellationToken, Task<int>> totalCount)
{
    public IReadOnlyList<Edge<T>> Edges { get; } = edges;
    public IEnumerable<T> Nodes => Edges.Select(e => e.Node);
    public PageInfo PageInfo { get; } = pageInfo;
    public Task<int> TotalCountAsync(CancellationToken cancellationToken) => totalCount(cancellationToken);

    /// <summary>Builds a page from rows fetched with one extra row beyond <c>page.Size</c> (to learn whether more exist).</summary>
    public static Connection<T> FromSlice(
        IReadOnlyList<T> rowsPlusOne,
        PageRequest page,
        Func<T, string> cursorOf,
        Func<CancellationToken, Task<int>> totalCount)
    {
        ArgumentNullException.ThrowIfNull(rowsPlusOne);
        ArgumentNullException.ThrowIfNull(page);
        var hasMore = rowsPlusOne.Count > page.Size;
        var rows = rowsPlusOne.Take(page.Size).ToList();
        if (page.Backward)
        {
            // Backward pages are fetched in reverse sort order; present them in the connection's order.
            rows.Reverse();
        }
        var edges = rows.Select(r => new Edge<T>(r, cursorOf)).ToList();
        var pageInfo = new PageInfo(
            HasNextPage: page.Backward ? page.Cursor is not null : hasMore,
            HasPreviousPage: page.Backward ? hasMore : page.Cursor is not null,
            StartCursor: edges.Count > 0 ? edges[0].Cursor : null,
            EndCursor: edges.Count > 0 ? edges[^1].Cursor : null);
        return new Connection<T>(edges, pageInfo, totalCount);
    }
}
