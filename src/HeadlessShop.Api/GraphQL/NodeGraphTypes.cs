using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using HeadlessShop.GraphQL.Transport.DataLoader;

namespace HeadlessShop.Api.GraphQL;

public sealed class NodeInterface : InterfaceGraphType
{
    public NodeInterface()
    {
        Name = "Node";
        Description = "An object with a global id, refetchable through `node(id:)`.";
        Field<NonNullGraphType<IdGraphType>>("id");
    }
}

/// <summary>Loads one kind of node by database key; each feature registers one per node type it owns.</summary>
public interface INodeResolver
{
    NodeKind Kind { get; }

    IDataLoaderResult<object?> Resolve(IServiceProvider requestServices, long id);
}

/// <summary>Resolves ids that are not <see cref="GlobalId"/>s (e.g. 128-bit cart ids); returns false for ids it does not own.</summary>
public interface IOpaqueIdNodeResolver
{
    bool TryResolve(IServiceProvider requestServices, string id, out IDataLoaderResult<object?> result);
}

/// <summary>The <c>node</c> and <c>nodes</c> root fields, dispatching to the feature that owns each id's kind.</summary>
internal sealed class NodeQueryFields(IEnumerable<INodeResolver> resolvers, IEnumerable<IOpaqueIdNodeResolver> opaqueResolvers) : IQueryFields
{
    private readonly Dictionary<NodeKind, INodeResolver> _resolvers = resolvers.ToDictionary(r => r.Kind);

    public void AddTo(ObjectGraphType query)
    {
        query.Field<NodeInterface>("node")
            .Description("Fetches any object by its global id. A malformed or tampered id is a BAD_USER_INPUT error.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Resolve(ctx => Load(ctx, ctx.GetArgument<string>("id"), "id"));

        query.Field<NonNullGraphType<ListGraphType<NodeInterface>>>("nodes")
            .Description("Fetches many objects by global id, in the order asked; unknown ids give null entries.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("ids")
            .Resolve(ctx =>
            {
                var ids = ctx.GetArgument<List<string>>("ids");
                if (ids.Count > PageRequest.MaxSize)
                {
                    throw new BadUserInputException($"Ask for at most {PageRequest.MaxSize} ids at once; got {ids.Count}.", "ids");
                }
                return ids.Select(id => Load(ctx, id, "ids")).All();
            });
    }

    private IDataLoaderResult<object?> Load(IResolveFieldContext context, string id, string argument)
    {
        foreach (var opaque in opaqueResolvers)
        {
            if (opaque.TryResolve(context.RequestServices!, id, out var result))
            {
                return result;
            }
        }
        if (!GlobalId.TryDecode(id, out var kind, out var key) || !_resolvers.TryGetValue(kind, out var resolver))
        {
            throw new BadUserInputException($"\"{id}\" is not a valid id.", argument);
        }
        return resolver.Resolve(context.RequestServices!, key);
    }
}
