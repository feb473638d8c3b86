using HeadlessShop.Api.Common;
using Microsoft.Extensions.Options;

namespace HeadlessShop.Api.Carts;

/// <summary>Embedded mode's carts: process memory, one lock (writes are tiny), the same rules as <see cref="RedisCartStore"/>.</summary>
internal sealed class MemoryCartStore(IOptions<CartOptions> options, TimeProvider time) : ICartStore
{
    private sealed class Entry
    {
        public long? OwnerId;

        /// <summary>The lines' currency; meaningful only while there are lines.</summary>
        public CurrencyCode? Currency;
        public long Version;
        public long Sequence;
        public DateTimeOffset ExpiresAt;
        public Dictionary<long, (int Quantity, long Sequence)> Lines = [];
    }

    private readonly Lock _lock = new();
    private readonly Dictionary<CartKey, Entry> _carts = [];
    private readonly Dictionary<long, CartKey> _customerCarts = [];
    private readonly CartOptions _options = options.Value;

    public Task<StoredCart> CreateAsync(long? ownerId, IReadOnlyList<CartLineChange> lines, CurrencyCode? currency, CancellationToken cancellationToken)
    {
        var key = CartKey.New();
        lock (_lock)
        {
            var entry = new Entry
            {
                OwnerId = ownerId,
                Currency = lines.Count > 0 ? currency : null,
                Version = 1,
                ExpiresAt = time.GetUtcNow() + _options.TimeToLive,
            };
            foreach (var line in lines)
            {
                entry.Lines[line.VariantId] = (line.Quantity, ++entry.Sequence);
            }
            _carts[key] = entry;
            if (ownerId is { } owner)
            {
                _customerCarts[owner] = key;
            }
            return Task.FromResult(Snapshot(key, entry));
        }
    }

    public Task<StoredCart?> GetAsync(CartKey key, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(Live(key) is { } entry ? Snapshot(key, entry) : null);
        }
    }

    public Task<CartWriteResult> AddLinesAsync(CartKey key, IReadOnlyList<CartLineChange> lines, CartAddRules rules, CancellationToken cancellationToken) =>
        Write(key, entry =>
        {
            if (entry.OwnerId is { } owner && owner != rules.CallerId)
            {
                return CartWriteResult.NotFound;
            }
            var before = entry.Lines.Count;
            if (rules.Currency is { } currency && before > 0)
            {
                if (entry.Currency is null && !rules.CurrencyVerified)
                {
                    return new CartWriteResult(CartWriteStatus.CurrencyUnknown, null);
                }
                if (entry.Currency is { } stored && stored != currency)
                {
                    return new CartWriteResult(CartWriteStatus.CurrencyMismatch, null);
                }
            }
            var targets = new int[lines.Count];
            var capped = new List<int>();
            var count = entry.Lines.Count;
            for (var i = 0; i < lines.Count; i++)
            {
                var current = entry.Lines.TryGetValue(lines[i].VariantId, out var existing) ? existing.Quantity : 0;
                var target = current + lines[i].Quantity;
                if (target > lines[i].MaxQuantity)
                {
                    if (!rules.Clamp)
                    {
                        return new CartWriteResult(CartWriteStatus.OverMaximum, null, i, current);
                    }
                    target = Math.Max(current, lines[i].MaxQuantity);
                    capped.Add(i);
                }
                if (current == 0 && target > 0)
                {
                    count++;
                }
                targets[i] = target;
            }
            if (count > _options.MaxLines)
            {
                return new CartWriteResult(CartWriteStatus.TooManyLines, null);
            }
            for (var i = 0; i < lines.Count; i++)
            {
                if (targets[i] > 0)
                {
                    var sequence = entry.Lines.TryGetValue(lines[i].VariantId, out var existing) ? existing.Sequence : ++entry.Sequence;
                    entry.Lines[lines[i].VariantId] = (targets[i], sequence);
                }
            }
            if (rules.Currency is not null || before == 0)
            {
                entry.Currency = rules.Currency;
            }
            return new CartWriteResult(CartWriteStatus.Ok, null, CappedIndexes: capped);
        });

    public Task<CartWriteResult> SetQuantitiesAsync(CartKey key, IReadOnlyList<CartLineChange> lines, CancellationToken cancellationToken) =>
        Write(key, entry =>
        {
            for (var i = 0; i < lines.Count; i++)
            {
                if (!entry.Lines.TryGetValue(lines[i].VariantId, out var existing))
                {
                    return new CartWriteResult(CartWriteStatus.LineNotFound, null, i);
                }
                if (lines[i].Quantity > lines[i].MaxQuantity)
                {
                    return new CartWriteResult(CartWriteStatus.OverMaximum, null, i, existing.Quantity);
                }
            }
            foreach (var line in lines)
            {
                if (line.Quantity == 0)
                {
                    entry.Lines.Remove(line.VariantId);
                }
                else
                {
                    entry.Lines[line.VariantId] = (line.Quantity, entry.Lines[line.VariantId].Sequence);
                }
            }
            return new CartWriteResult(CartWriteStatus.Ok, null);
        });

    public Task<CartWriteResult> RemoveLinesAsync(CartKey key, IReadOnlyList<long> variantIds, CancellationToken cancellationToken) =>
        Write(key, entry =>
        {
            for (var i = 0; i < variantIds.Count; i++)
            {
                if (!entry.Lines.ContainsKey(variantIds[i]))
                {
                    return new CartWriteResult(CartWriteStatus.LineNotFound, null, i);
                }
            }
            foreach (var id in variantIds)
            {
                entry.Lines.Remove(id);
            }
            return new CartWriteResult(CartWriteStatus.Ok, null);
        });

    public async Task<StoredCart?> SetOwnerAsync(CartKey key, long ownerId, CancellationToken cancellationToken)
    {
        var result = await Write(key, entry =>
        {
            entry.OwnerId = ownerId;
            _customerCarts[ownerId] = key;
            return new CartWriteResult(CartWriteStatus.Ok, null);
        });
        return result.Cart;
    }

    public Task<StoredCart?> GetCustomerCartAsync(long customerId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_customerCarts.TryGetValue(customerId, out var key))
            {
                return Task.FromResult<StoredCart?>(null);
            }
            if (Live(key) is { } entry && entry.OwnerId == customerId)
            {
                return Task.FromResult<StoredCart?>(Snapshot(key, entry));
            }
            _customerCarts.Remove(customerId);
            return Task.FromResult<StoredCart?>(null);
        }
    }

    public Task<StoredCart?> TakeAsync(CartKey key, long? expectedVersion, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (Live(key) is not { } entry || (expectedVersion is { } version && entry.Version != version))
            {
                return Task.FromResult<StoredCart?>(null);
            }
            _carts.Remove(key);
            return Task.FromResult<StoredCart?>(Snapshot(key, entry));
        }
    }

    public Task<bool> RestoreAsync(StoredCart cart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cart);
        lock (_lock)
        {
            if (Live(cart.Key) is not null)
            {
                return Task.FromResult(false);
            }
            _carts[cart.Key] = new Entry
            {
                OwnerId = cart.OwnerId,
                Currency = cart.Lines.Count > 0 ? cart.Currency : null,
                Version = cart.Version,
                Sequence = cart.Lines.Count == 0 ? 0 : cart.Lines.Max(l => l.Sequence),
                ExpiresAt = time.GetUtcNow() + _options.TimeToLive,
                Lines = cart.Lines.ToDictionary(l => l.VariantId, l => (l.Quantity, l.Sequence)),
            };
            if (cart.OwnerId is { } owner)
            {
                _customerCarts.TryAdd(owner, cart.Key);
            }
            return Task.FromResult(true);
        }
    }

    private Task<CartWriteResult> Write(CartKey key, Func<Entry, CartWriteResult> change)
    {
        lock (_lock)
        {
            if (Live(key) is not { } entry)
            {
                return Task.FromResult(CartWriteResult.NotFound);
            }
            var result = change(entry);
            if (result.Status == CartWriteStatus.CartNotFound)
            {
                return Task.FromResult(CartWriteResult.NotFound);
            }
            if (result.Status != CartWriteStatus.Ok)
            {
                return Task.FromResult(result with { Cart = Snapshot(key, entry) });
            }
            entry.Version++;
            entry.ExpiresAt = time.GetUtcNow() + _options.TimeToLive;
            return Task.FromResult(result with { Cart = Snapshot(key, entry) });
        }
    }

    private Entry? Live(CartKey key)
    {
        if (!_carts.TryGetValue(key, out var entry))
        {
            return null;
        }
        if (entry.ExpiresAt > time.GetUtcNow())
        {
            return entry;
        }
        _carts.Remove(key);
        return null;
    }

    private static StoredCart Snapshot(CartKey key, Entry entry) =>
        new(key, entry.OwnerId, entry.Version, entry.ExpiresAt,
            entry.Lines.Select(l => new StoredCartLine(l.Key, l.Value.Quantity, l.Value.Sequence)).OrderBy(l => l.Sequence).ToList())
        {
            Currency = entry.Lines.Count > 0 ? entry.Currency : null,
        };
}
