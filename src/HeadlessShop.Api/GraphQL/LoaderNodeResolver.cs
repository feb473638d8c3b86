using GraphQL.DataLoader;
using HeadlessShop.GraphQL.Transport.DataLoader;

namespace HeadlessShop.Api.GraphQL;

/// <summary>Resolves a node kind through the request's loader of type <typeparamref name="TLoader"/>.</summary>
internal sealed class LoaderNodeResolver<TLoader, TValue>(NodeKind kind) : INodeResolver
    where TLoader : BatchDataLoader<long, TValue>
{
    public NodeKind Kind => kind;

    public IDataLoaderResult<object?> Resolve(IServiceProvider requestServices, long id) =>
        requestServices.GetRequiredService<TLoader>().LoadAsync(id).Then(value => (object?)value);
}
