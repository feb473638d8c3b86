namespace HeadlessShop.Api.Carts;

/// <summary>
/// One line of a stored cart. A cart holds at most one line per variant (adding the same variant again increments it),
/// so <see cref="LineId"/> is the variant id; <see cref="Sequence"/> keeps lines in the order they were first added.
/// </summary>
public sealed record StoredCartLine(long VariantId, int Quantity, long Sequence)
{
    public long LineId => VariantId;
}

/// <summary>
/// A cart as the store holds it: no prices (those are read live from the catalog). <see cref="Version"/> grows by one
/// on every write, so a reader can tell whether the cart changed since it looked.
/// </summary>
public sealed record StoredCart(CartKey Key, long? OwnerId, long Version, DateTimeOffset ExpiresAt, IReadOnlyList<StoredCartLine> Lines);

/// <summary>A requested change to one line: the quantity to add or set, and the most the line may hold afterwards.</summary>
public readonly record struct CartLineChange(long VariantId, int Quantity, int MaxQuantity);

public enum CartWriteStatus
{
    Ok,
    CartNotFound,

    /// <summary>The line at <see cref="CartWriteResult.FailedIndex"/> would exceed its maximum; nothing was written.</summary>
    OverMaximum,

    /// <summary>The line at <see cref="CartWriteResult.FailedIndex"/> is not in the cart; nothing was written.</summary>
    LineNotFound,

    /// <summary>The cart would hold more than <see cref="CartOptions.MaxLines"/> lines; nothing was written.</summary>
    TooManyLines,
}

/// <summary>
/// Outcome of a write. Every write is all-or-nothing. <see cref="CurrentQuantity"/> is the failed line's quantity
/// before the write; <see cref="CappedIndexes"/> lists the lines a clamping add limited to their maximum.
/// </summary>
public sealed record CartWriteResult(CartWriteStatus Status, StoredCart? Cart, int FailedIndex = -1, int CurrentQuantity = 0, IReadOnlyList<int>? CappedIndexes = null)
{
    public static CartWriteResult NotFound { get; } = new(CartWriteStatus.CartNotFound, null);
}

/// <summary>
/// Where carts live: Redis in production, process memory in embedded mode; both pass the same contract tests.
/// Every write is atomic (concurrent writers never lose an update) and slides the cart's expiry forward by
/// <see cref="CartOptions.TimeToLive"/>. An expired cart is gone: every method treats it as not found.
/// </summary>
public interface ICartStore
{
    Task<StoredCart> CreateAsync(long? ownerId, IReadOnlyList<CartLineChange> lines, CancellationToken cancellationToken);

    /// <summary>The cart with its lines, owner and version, or null when it does not exist or has expired. Does not extend its life.</summary>
    Task<StoredCart?> GetAsync(CartKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Adds each change's quantity to its line (creating it). Without <paramref name="clamp"/> a line that would exceed its
    /// maximum fails the whole write (<see cref="CartWriteStatus.OverMaximum"/>); with it the line is limited to its maximum
    /// and reported in <see cref="CartWriteResult.CappedIndexes"/>. Variant ids must be distinct.
    /// </summary>
    Task<CartWriteResult> AddLinesAsync(CartKey key, IReadOnlyList<CartLineChange> lines, bool clamp, CancellationToken cancellationToken);

    /// <summary>Sets the quantity of existing lines; 0 removes a line. Variant ids must be distinct.</summary>
    Task<CartWriteResult> SetQuantitiesAsync(CartKey key, IReadOnlyList<CartLineChange> lines, CancellationToken cancellationToken);

    Task<CartWriteResult> RemoveLinesAsync(CartKey key, IReadOnlyList<long> variantIds, CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="ownerId"/> the cart's owner and that customer's current cart (see <see cref="GetCustomerCartAsync"/>).</summary>
    Task<StoredCart?> SetOwnerAsync(CartKey key, long ownerId, CancellationToken cancellationToken);

    /// <summary>The customer's current cart, or null when they have none (or it expired).</summary>
    Task<StoredCart?> GetCustomerCartAsync(long customerId, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically removes the cart and returns it, so of two concurrent callers exactly one gets it (checkout, merge on
    /// login). With <paramref name="expectedVersion"/> the cart is taken only if it still has that version (the caller
    /// priced what it saw); otherwise null is returned and the cart stays. Null also when it does not exist.
    /// </summary>
    Task<StoredCart?> TakeAsync(CartKey key, long? expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Puts back a cart returned by <see cref="TakeAsync"/> (e.g. payment or stock reservation failed), with its lines,
    /// owner and version, and a fresh expiry. Returns false, and changes nothing, if a cart with that key exists again.
    /// </summary>
    Task<bool> RestoreAsync(StoredCart cart, CancellationToken cancellationToken);
}
