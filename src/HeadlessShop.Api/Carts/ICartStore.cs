using HeadlessShop.Api.Common;

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
/// on every write, so a reader can tell whether the cart changed since it looked. <see cref="Currency"/> is the currency
/// of its lines as stored with the first line written; null when the cart is empty, or when it got its lines before the
/// store kept a currency (a cart written by an older version: its currency is that of its first line's variant).
/// </summary>
public sealed record StoredCart(CartKey Key, long? OwnerId, long Version, DateTimeOffset ExpiresAt, IReadOnlyList<StoredCartLine> Lines)
{
    public CurrencyCode? Currency { get; init; }
}

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

    /// <summary>The cart's lines are in another currency than <see cref="CartAddRules.Currency"/>; nothing was written.</summary>
    CurrencyMismatch,

    /// <summary>
    /// The cart has lines but no stored currency (written before the store kept one), so the add's currency could not be
    /// checked; nothing was written. The caller checks it against the first line's variant and retries with
    /// <see cref="CartAddRules.CurrencyVerified"/>.
    /// </summary>
    CurrencyUnknown,
}

/// <summary>What an add checks besides the lines' maxima, all in the same atomic step as the write.</summary>
/// <param name="CallerId">
/// The customer asking, or null for an anonymous caller. A cart with an owner is visible only to that customer: anyone
/// else gets <see cref="CartWriteStatus.CartNotFound"/>, exactly as for a missing cart.
/// </param>
/// <param name="Currency">
/// The currency of every line added. A cart with lines in another currency refuses the add
/// (<see cref="CartWriteStatus.CurrencyMismatch"/>); an empty cart takes it as its currency. Null: not checked (a merge
/// moves whatever the other cart held), and an empty cart is left without a stored currency.
/// </param>
/// <param name="Clamp">Limit lines to their maximum (reported in <see cref="CartWriteResult.CappedIndexes"/>) instead of failing.</param>
/// <param name="CurrencyVerified">
/// The caller has checked <paramref name="Currency"/> against the cart's first line itself: a cart with lines but no
/// stored currency stores it instead of answering <see cref="CartWriteStatus.CurrencyUnknown"/>. A stored currency is
/// still compared.
/// </param>
public readonly record struct CartAddRules(long? CallerId, CurrencyCode? Currency, bool Clamp = false, bool CurrencyVerified = false);

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
    /// <summary>A new cart; <paramref name="currency"/> is the currency of <paramref name="lines"/> (null when there are none).</summary>
    Task<StoredCart> CreateAsync(long? ownerId, IReadOnlyList<CartLineChange> lines, CurrencyCode? currency, CancellationToken cancellationToken);

    /// <summary>The cart with its lines, owner and version, or null when it does not exist or has expired. Does not extend its life.</summary>
    Task<StoredCart?> GetAsync(CartKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Adds each change's quantity to its line (creating it), after checking the cart's visibility to the caller and its
    /// currency (see <see cref="CartAddRules"/>), in one atomic step: one round trip to Redis. Without
    /// <see cref="CartAddRules.Clamp"/> a line that would exceed its maximum fails the whole write
    /// (<see cref="CartWriteStatus.OverMaximum"/>); with it the line is limited to its maximum and reported in
    /// <see cref="CartWriteResult.CappedIndexes"/>. Variant ids must be distinct. Every refusal but
    /// <see cref="CartWriteStatus.CartNotFound"/> returns the cart as it is.
    /// </summary>
    Task<CartWriteResult> AddLinesAsync(CartKey key, IReadOnlyList<CartLineChange> lines, CartAddRules rules, CancellationToken cancellationToken);

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
    /// owner, currency and version, and a fresh expiry. Returns false, and changes nothing, if a cart with that key exists again.
    /// </summary>
    Task<bool> RestoreAsync(StoredCart cart, CancellationToken cancellationToken);
}
