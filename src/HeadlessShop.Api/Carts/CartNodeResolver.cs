using GraphQL.DataLoader;
using HeadlessShop.Api.GraphQL;

namespace HeadlessShop.Api.Carts;

/// <summary><c>node(id:)</c> for carts, with the same visibility as <c>cart(id:)</c>: an owned cart only for its owner.</summary>
internal sealed class CartNodeResolver : IOpaqueIdNodeResolver
{
    public bool TryResolve(IServiceProvider requestServices, string id, out IDataLoaderResult<object?> result)
    {
        if (!CartKey.TryParse(id, out _))
        {
            result = null!;
            return false;
        }
        result = new Pending(requestServices.GetRequiredService<CartService>().FindAsync(id, CancellationToken.None));
        return true;
    }

    private sealed class Pending(Task<StoredCart?> cart) : IDataLoaderResult<object?>
    {
        public async Task<object?> GetResultAsync(CancellationToken cancellationToken = default) => await cart.WaitAsync(cancellationToken);
    }
}
