using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace HeadlessShop.Api.Carts;

/// <summary>
/// The variants this instance last saw in each cart, so an add can load them together with its own variants in one
/// SQL statement (the payload prices every line) without reading the cart first. Only a prefetch: a stale or missing
/// hint (another instance wrote the cart, or the table was full) costs a second statement, never a wrong answer.
/// Bounded by <see cref="CartOptions.LineHints"/> carts of at most <see cref="MaxLinesPerCart"/> variants; when full it
/// starts over.
/// </summary>
public sealed class CartLineHints(IOptions<CartOptions> options)
{
    public const int MaxLinesPerCart = 16;

    private readonly int _capacity = options.Value.LineHints;
    private readonly ConcurrentDictionary<CartKey, long[]> _lines = new();

    public long[] For(CartKey key) => _lines.TryGetValue(key, out var ids) ? ids : [];

    public void Remember(StoredCart? cart)
    {
        if (cart is null || _capacity == 0)
        {
            return;
        }
        if (cart.Lines.Count == 0)
        {
            _lines.TryRemove(cart.Key, out _);
            return;
        }
        if (_lines.TryGetValue(cart.Key, out var known) && Same(known, cart.Lines))
        {
            return;
        }
        if (_lines.Count >= _capacity)
        {
            _lines.Clear();
        }
        var ids = new long[Math.Min(cart.Lines.Count, MaxLinesPerCart)];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = cart.Lines[i].VariantId;
        }
        _lines[cart.Key] = ids;
    }

    private static bool Same(long[] known, IReadOnlyList<StoredCartLine> lines)
    {
        if (known.Length != Math.Min(lines.Count, MaxLinesPerCart))
        {
            return false;
        }
        for (var i = 0; i < known.Length; i++)
        {
            if (known[i] != lines[i].VariantId)
            {
                return false;
            }
        }
        return true;
    }
}
