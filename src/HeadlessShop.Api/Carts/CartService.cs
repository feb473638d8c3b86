using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Common;
using HeadlessShop.Api.Customers;
using HeadlessShop.Api.GraphQL;
using Microsoft.Extensions.Options;

namespace HeadlessShop.Api.Carts;

public sealed record CartLineRequest(string VariantId, int Quantity);

public sealed record CartLineUpdateRequest(string LineId, int Quantity);

/// <summary>The <c>CartPayload</c> of every cart mutation: the cart after the change (or as it was when refused) and what went wrong.</summary>
public sealed record CartResult(StoredCart? Cart, IReadOnlyList<UserError> UserErrors)
{
    public static CartResult NotFound { get; } = new(null, [new UserError(ErrorCode.CartNotFound, "No cart with this id; it may have expired.", ["input", "cartId"])]);
}

/// <summary>
/// The cart rules: input validation, live stock from the catalog, ownership. A cart with an owner is visible only to that
/// customer; an anonymous cart to whoever holds its unguessable id. Anything else is indistinguishable from a missing cart.
/// </summary>
public sealed class CartService(ICartStore store, VariantByIdDataLoader variantLoader, ICurrentCustomer caller, IOptions<CartOptions> options, CartLineHints hints)
{
    private readonly CartOptions _options = options.Value;

    /// <summary>The cart if the caller may see it.</summary>
    public async Task<StoredCart?> FindAsync(string? cartId, CancellationToken cancellationToken)
    {
        var cart = CartKey.TryParse(cartId, out var key) && await store.GetAsync(key, cancellationToken) is { } found && MaySee(found) ? found : null;
        hints.Remember(cart);
        return cart;
    }

    public Task<StoredCart?> FindForCustomerAsync(long customerId, CancellationToken cancellationToken) =>
        caller.Id == customerId ? store.GetCustomerCartAsync(customerId, cancellationToken) : Task.FromResult<StoredCart?>(null);

    private bool MaySee(StoredCart cart) => cart.OwnerId is null || cart.OwnerId == caller.Id;

    public async Task<CartResult> CreateAsync(IReadOnlyList<CartLineRequest> lines, CancellationToken cancellationToken)
    {
        var (changes, currency, errors) = await PrepareAdditionsAsync(lines, [], null, cancellationToken);
        if (errors.Count > 0)
        {
            return new CartResult(null, errors);
        }
        var cart = await store.CreateAsync(caller.Id, changes, currency, cancellationToken);
        hints.Remember(cart);
        return new CartResult(cart, []);
    }

    /// <summary>
    /// The common case costs one SQL statement (the variants) and one store call: the input is checked without the cart,
    /// and the store checks owner, currency and line maxima against the cart as it writes. Anything refused on the way
    /// takes the two-step path (the cart, then every rule against its lines), so the user errors are the ones it gives.
    /// </summary>
    public async Task<CartResult> AddLinesAsync(string cartId, IReadOnlyList<CartLineRequest> lines, CancellationToken cancellationToken)
    {
        if (!CartKey.TryParse(cartId, out var key))
        {
            return CartResult.NotFound;
        }
        var (requested, inputErrors) = ReadAdditions(lines);
        if (lines.Count > 0 && inputErrors.Count == 0 && requested.Count <= _options.MaxLines)
        {
            // With the variants of the lines the cart already holds, as far as this instance knows: the payload prices them.
            var variants = await LoadVariantsAsync(requested.Keys.Concat(hints.For(key)), cancellationToken);
            if (QuickChanges(requested, variants) is { } quick)
            {
                var result = await store.AddLinesAsync(key, quick.Changes, new CartAddRules(caller.Id, quick.Currency), cancellationToken);
                switch (result.Status)
                {
                    case CartWriteStatus.Ok:
                        hints.Remember(result.Cart);
                        return new CartResult(result.Cart, []);
                    case CartWriteStatus.CartNotFound:
                        return CartResult.NotFound;
                    default:
                        // Refused (over a maximum, too many lines, another currency, or a cart older than its stored
                        // currency): the reply carries the cart as it is, so the full check needs no second read.
                        return await AddCheckedAsync(result.Cart!, lines, cancellationToken);
                }
            }
        }
        return await FindAsync(cartId, cancellationToken) is { } cart ? await AddCheckedAsync(cart, lines, cancellationToken) : CartResult.NotFound;
    }

    /// <summary>The two-step add: every rule checked against <paramref name="cart"/>'s lines, then the write.</summary>
    private async Task<CartResult> AddCheckedAsync(StoredCart cart, IReadOnlyList<CartLineRequest> lines, CancellationToken cancellationToken)
    {
        if (lines.Count == 0)
        {
            return new CartResult(cart, [UserError.Invalid("Pass at least one line.", "input", "lines")]);
        }
        var (changes, currency, errors) = await PrepareAdditionsAsync(lines, cart.Lines, cart.Currency, cancellationToken);
        if (errors.Count > 0)
        {
            return new CartResult(cart, errors);
        }
        var result = await store.AddLinesAsync(cart.Key, changes, new CartAddRules(caller.Id, currency, CurrencyVerified: true), cancellationToken);
        if (result.Status == CartWriteStatus.CurrencyMismatch)
        {
            // The cart was emptied and refilled in another currency since it was read.
            return new CartResult(result.Cart, [.. changes.Select(c => CurrencyMismatch(result.Cart!.Currency, currency, Index(lines, c.VariantId)))]);
        }
        return ToResult(result, i => changes[i], i => ["input", "lines", Index(lines, changes[i].VariantId)], cumulative: true);
    }

    /// <summary>
    /// The lines to write when, judged without the cart, nothing is wrong: every variant exists, all are priced in one
    /// currency and no line alone exceeds what is available. Null sends the add down the two-step path.
    /// </summary>
    private (List<CartLineChange> Changes, CurrencyCode Currency)? QuickChanges(Dictionary<long, int> requested, Dictionary<long, ProductVariant> variants)
    {
        var changes = new List<CartLineChange>(requested.Count);
        CurrencyCode? currency = null;
        foreach (var (variantId, quantity) in requested)
        {
            if (!variants.TryGetValue(variantId, out var variant) || (currency ??= variant.Currency) != variant.Currency)
            {
                return null;
            }
            var max = MaxFor(variant);
            if (quantity > max)
            {
                return null;
            }
            changes.Add(new CartLineChange(variantId, quantity, max));
        }
        return currency is { } code ? (changes, code) : null;
    }

    public async Task<CartResult> UpdateLinesAsync(string cartId, IReadOnlyList<CartLineUpdateRequest> lines, CancellationToken cancellationToken)
    {
        if (await FindAsync(cartId, cancellationToken) is not { } cart)
        {
            return CartResult.NotFound;
        }
        var errors = new List<UserError>();
        var requested = new Dictionary<long, int>();
        for (var i = 0; i < lines.Count; i++)
        {
            var at = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!CartLineId.TryDecode(lines[i].LineId, out var variantId) || cart.Lines.All(l => l.VariantId != variantId))
            {
                errors.Add(UserError.NotFound("No such line in this cart.", "input", "lines", at, "lineId"));
            }
            else if (lines[i].Quantity < 0 || lines[i].Quantity > _options.MaxQuantityPerLine)
            {
                errors.Add(UserError.Invalid($"Quantity must be between 0 (remove) and {_options.MaxQuantityPerLine}.", "input", "lines", at, "quantity"));
            }
            else if (!requested.TryAdd(variantId, lines[i].Quantity))
            {
                errors.Add(UserError.Invalid("The same line is listed twice.", "input", "lines", at, "lineId"));
            }
        }
        if (lines.Count == 0)
        {
            errors.Add(UserError.Invalid("Pass at least one line.", "input", "lines"));
        }
        if (errors.Count > 0)
        {
            return new CartResult(cart, errors);
        }
        var variants = await LoadVariantsAsync(requested.Keys, cancellationToken);
        var changes = requested.Select(r => new CartLineChange(r.Key, r.Value, r.Value == 0 ? 0 : MaxFor(variants.GetValueOrDefault(r.Key)))).ToList();
        var result = await store.SetQuantitiesAsync(cart.Key, changes, cancellationToken);
        return ToResult(result, i => changes[i], i => ["input", "lines", LineIndex(lines, changes[i].VariantId)], cumulative: false);
    }

    public async Task<CartResult> RemoveLinesAsync(string cartId, IReadOnlyList<string> lineIds, CancellationToken cancellationToken)
    {
        if (await FindAsync(cartId, cancellationToken) is not { } cart)
        {
            return CartResult.NotFound;
        }
        var ids = new List<long>();
        var errors = new List<UserError>();
        for (var i = 0; i < lineIds.Count; i++)
        {
            if (!CartLineId.TryDecode(lineIds[i], out var variantId) || cart.Lines.All(l => l.VariantId != variantId))
            {
                errors.Add(UserError.NotFound("No such line in this cart.", "input", "lineIds", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
            else if (!ids.Contains(variantId))
            {
                ids.Add(variantId);
            }
        }
        if (errors.Count > 0 || ids.Count == 0)
        {
            return new CartResult(cart, errors.Count > 0 ? errors : [UserError.Invalid("Pass at least one line id.", "input", "lineIds")]);
        }
        var result = await store.RemoveLinesAsync(cart.Key, ids, cancellationToken);
        return ToResult(result, _ => default, i => ["input", "lineIds", i.ToString(System.Globalization.CultureInfo.InvariantCulture)], cumulative: false);
    }

    /// <summary>
    /// Moves an anonymous cart's lines into the customer's cart (created when they have none): quantities summed and
    /// capped at what is available, each cap reported. The anonymous cart is taken atomically, so it merges once.
    /// </summary>
    public async Task<IReadOnlyList<UserError>> MergeIntoCustomerCartAsync(long customerId, string anonymousCartId, CancellationToken cancellationToken)
    {
        UserError notFound = new(ErrorCode.CartNotFound, "The cart to merge was not found; it may have expired.", ["input", "cartId"]);
        if (!CartKey.TryParse(anonymousCartId, out var key) || await store.GetAsync(key, cancellationToken) is not { } peek
            || (peek.OwnerId is { } owner && owner != customerId))
        {
            return [notFound];
        }
        var target = await store.GetCustomerCartAsync(customerId, cancellationToken);
        if (peek.OwnerId == customerId || target?.Key == key)
        {
            return [];
        }
        if (await store.TakeAsync(key, null, cancellationToken) is not { } anonymous)
        {
            return [notFound];
        }
        var variants = await LoadVariantsAsync(anonymous.Lines.Select(l => l.VariantId), cancellationToken);
        var errors = new List<UserError>();
        var changes = new List<CartLineChange>();
        foreach (var line in anonymous.Lines)
        {
            if (variants.TryGetValue(line.VariantId, out var variant))
            {
                changes.Add(new CartLineChange(line.VariantId, line.Quantity, MaxFor(variant)));
            }
            else
            {
                errors.Add(UserError.NotFound("A product in your cart is no longer sold and was left out.", "input", "cartId"));
            }
        }
        if (target is null)
        {
            List<CartLineChange> kept = [.. changes.Where(c => c.MaxQuantity > 0).Select(c => c with { Quantity = Math.Min(c.Quantity, c.MaxQuantity) })];
            var created = await store.CreateAsync(customerId, kept, kept.Count > 0 ? variants[kept[0].VariantId].Currency : null, cancellationToken);
            errors.AddRange(changes.Where(c => c.Quantity > c.MaxQuantity).Select(c => Capped(c, c.Quantity)));
            return created is null ? [notFound] : errors;
        }
        // A merge moves what the other cart held whatever its currency, as it always has.
        var result = await store.AddLinesAsync(target.Key, changes, new CartAddRules(customerId, null, Clamp: true), cancellationToken);
        if (result.Status != CartWriteStatus.Ok)
        {
            await store.RestoreAsync(anonymous, cancellationToken);
            return [UserError.Invalid($"Your carts together hold more than {_options.MaxLines} products; the anonymous cart was kept.", "input", "cartId")];
        }
        var before = target.Lines.ToDictionary(l => l.VariantId, l => l.Quantity);
        errors.AddRange(result.CappedIndexes!.Select(i => Capped(changes[i], before.GetValueOrDefault(changes[i].VariantId) + changes[i].Quantity)));
        return errors;
    }

    private static InsufficientStockError Capped(CartLineChange change, int requested) =>
        new(change.VariantId, requested, change.MaxQuantity, ["input", "cartId"]);

    /// <summary>The requested quantity per variant (repeated variants summed) and what is wrong with the input itself.</summary>
    private (Dictionary<long, int> Requested, List<UserError> Errors) ReadAdditions(IReadOnlyList<CartLineRequest> lines)
    {
        var errors = new List<UserError>();
        var requested = new Dictionary<long, int>();
        for (var i = 0; i < lines.Count; i++)
        {
            var at = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!GlobalId.TryDecode(lines[i].VariantId, out var kind, out var variantId) || kind != NodeKind.ProductVariant)
            {
                errors.Add(UserError.Invalid("Not a product variant id.", "input", "lines", at, "variantId"));
            }
            else if (lines[i].Quantity < 1 || lines[i].Quantity > _options.MaxQuantityPerLine)
            {
                errors.Add(UserError.Invalid($"Quantity must be between 1 and {_options.MaxQuantityPerLine}.", "input", "lines", at, "quantity"));
            }
            else
            {
                requested[variantId] = requested.GetValueOrDefault(variantId) + lines[i].Quantity;
            }
        }
        return (requested, errors);
    }

    /// <summary>
    /// Checks additions against the cart's <paramref name="existing"/> lines and live stock. The cart's currency is
    /// <paramref name="cartCurrency"/> as stored, else (a cart from before it was stored) its first line's variant's, else
    /// (an empty cart) the first requested variant's; it is returned for the write.
    /// </summary>
    private async Task<(List<CartLineChange> Changes, CurrencyCode? Currency, List<UserError> Errors)> PrepareAdditionsAsync(
        IReadOnlyList<CartLineRequest> lines, IReadOnlyList<StoredCartLine> existing, CurrencyCode? cartCurrency, CancellationToken cancellationToken)
    {
        var (requested, errors) = ReadAdditions(lines);
        if (requested.Keys.Union(existing.Select(l => l.VariantId)).Count() > _options.MaxLines)
        {
            errors.Add(UserError.Invalid($"A cart holds at most {_options.MaxLines} different products.", "input", "lines"));
        }
        if (errors.Count > 0)
        {
            return ([], null, errors);
        }
        var firstLine = cartCurrency is null ? existing.Take(1).Select(l => l.VariantId) : [];
        var variants = await LoadVariantsAsync(requested.Keys.Concat(firstLine), cancellationToken);
        var currency = existing.Count == 0 ? null
            : cartCurrency ?? (variants.TryGetValue(existing[0].VariantId, out var first) ? first.Currency : null);
        var changes = new List<CartLineChange>();
        foreach (var (variantId, quantity) in requested)
        {
            var at = Index(lines, variantId);
            if (!variants.TryGetValue(variantId, out var variant))
            {
                errors.Add(UserError.NotFound("No such product variant.", "input", "lines", at, "variantId"));
                continue;
            }
            currency ??= variant.Currency;
            if (variant.Currency != currency)
            {
                errors.Add(CurrencyMismatch(currency, variant.Currency, at));
                continue;
            }
            var current = existing.FirstOrDefault(l => l.VariantId == variantId)?.Quantity ?? 0;
            var available = variant.Stock?.Available ?? 0;
            if (current + quantity > _options.MaxQuantityPerLine)
            {
                errors.Add(PerLineLimit(["input", "lines", at, "quantity"]));
                continue;
            }
            if (current + quantity > available)
            {
                errors.Add(new InsufficientStockError(variantId, current + quantity, available, ["input", "lines", at, "quantity"]));
                continue;
            }
            changes.Add(new CartLineChange(variantId, quantity, MaxFor(variant)));
        }
        return (changes, currency, errors);
    }

    private static UserError CurrencyMismatch(CurrencyCode? cart, CurrencyCode? variant, string at) =>
        UserError.Invalid($"This cart is in {cart}; the variant is priced in {variant}.", "input", "lines", at, "variantId");

    private CartResult ToResult(CartWriteResult result, Func<int, CartLineChange> change, Func<int, string[]> field, bool cumulative)
    {
        hints.Remember(result.Cart);
        return Translate(result, change, field, cumulative);
    }

    private CartResult Translate(CartWriteResult result, Func<int, CartLineChange> change, Func<int, string[]> field, bool cumulative) => result.Status switch
    {
        CartWriteStatus.Ok => new CartResult(result.Cart, []),
        CartWriteStatus.CartNotFound => CartResult.NotFound,
        CartWriteStatus.LineNotFound => new CartResult(result.Cart, [UserError.NotFound("No such line in this cart.", field(result.FailedIndex))]),
        CartWriteStatus.TooManyLines => new CartResult(result.Cart, [UserError.Invalid($"A cart holds at most {_options.MaxLines} different products.", "input", "lines")]),
        // Someone else added to the same line between our stock check and the write: report what is really left.
        CartWriteStatus.OverMaximum when (cumulative ? result.CurrentQuantity + change(result.FailedIndex).Quantity : change(result.FailedIndex).Quantity) > _options.MaxQuantityPerLine =>
            new CartResult(result.Cart, [PerLineLimit(field(result.FailedIndex))]),
        CartWriteStatus.OverMaximum => new CartResult(result.Cart, [new InsufficientStockError(
            change(result.FailedIndex).VariantId,
            cumulative ? result.CurrentQuantity + change(result.FailedIndex).Quantity : change(result.FailedIndex).Quantity,
            change(result.FailedIndex).MaxQuantity,
            field(result.FailedIndex))]),
        _ => throw new InvalidOperationException($"Unexpected cart write status {result.Status}."),
    };

    private UserError PerLineLimit(string[] field) => UserError.Invalid($"A line holds at most {_options.MaxQuantityPerLine} units.", field);

    private int MaxFor(ProductVariant? variant) => Math.Min(_options.MaxQuantityPerLine, variant?.Stock?.Available ?? 0);

    private static string Index(IReadOnlyList<CartLineRequest> lines, long variantId) =>
        Math.Max(0, lines.ToList().FindIndex(l => GlobalId.TryDecode(l.VariantId, out _, out var id) && id == variantId)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string LineIndex(IReadOnlyList<CartLineUpdateRequest> lines, long variantId) =>
        Math.Max(0, lines.ToList().FindIndex(l => CartLineId.TryDecode(l.LineId, out var id) && id == variantId)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Through the request's variant loader: the cart returned in the payload is priced from the same rows without
    /// asking the database again (one SQL statement per cart mutation).
    /// </summary>
    private async Task<Dictionary<long, ProductVariant>> LoadVariantsAsync(IEnumerable<long> ids, CancellationToken cancellationToken)
    {
        var loaded = await variantLoader.LoadManyAsync(ids.Distinct()).GetResultAsync(cancellationToken);
        return loaded.OfType<ProductVariant>().ToDictionary(v => v.Id);
    }
}
