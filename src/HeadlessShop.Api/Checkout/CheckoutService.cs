using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HeadlessShop.Api.Carts;
using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Customers;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Infrastructure;
using HeadlessShop.Api.Infrastructure.Events;
using HeadlessShop.Api.Orders;
using HeadlessShop.Api.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HeadlessShop.Api.Checkout;

public sealed record AddressInput(string Name, string Line1, string? Line2, string City, string PostalCode, string Country);

public sealed record CheckoutCompleteInput(string CartId, string IdempotencyKey, string Email, AddressInput ShippingAddress, string PaymentMethod);

public sealed record CheckoutResult(Order? Order, Payment? Payment, string? OrderAccessToken, IReadOnlyList<UserError> UserErrors)
{
    public static CheckoutResult Failed(params UserError[] errors) => new(null, null, null, errors);
}

/// <summary>Bound from the <c>Checkout</c> section.</summary>
public sealed class CheckoutOptions
{
    public const string SectionName = "Checkout";

    /// <summary>How long an order may wait for its payment before it is cancelled and its stock released.</summary>
    public TimeSpan PaymentWindow { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Cart to paid order, exactly once and never overselling:
/// <list type="number">
/// <item>Retries with one idempotency key are serialised (in process, and across instances by a PostgreSQL advisory
/// lock) and get the first attempt's order and payment back.</item>
/// <item>The cart is taken from the store atomically, so two checkouts of one cart cannot both proceed.</item>
/// <item>One transaction writes the order, its line snapshots, the idempotency key and the outbox events, and reserves
/// each line with one conditional UPDATE (<c>on_hand - reserved &gt;= qty</c>); any short line rolls all of it back
/// and the cart is put back.</item>
/// <item>The gateway is called after that commit with an idempotency key derived from the order, so a retried call
/// never charges twice; the outcome moves the order through <see cref="OrderTransitions"/>.</item>
/// </list>
/// </summary>
public sealed class CheckoutService(
    LookupContexts contexts,
    ICartStore carts,
    ICurrentCustomer caller,
    IPaymentGateway gateway,
    OrderAccessTokens accessTokens,
    OutboxSignal outbox,
    TimeProvider time,
    IOptions<CheckoutOptions> options)
{
    private const int MaxIdempotencyKeyLength = 255;

    /// <summary>Striped in-process locks for idempotency keys: bounded memory, and same-key retries queue up.</summary>
    private static readonly SemaphoreSlim[] KeyLocks = Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<CheckoutResult> CompleteAsync(CheckoutCompleteInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = Validate(input);
        if (errors.Count > 0)
        {
            return new CheckoutResult(null, null, null, errors);
        }
        if (!CartKey.TryParse(input.CartId, out var cartKey))
        {
            return CheckoutResult.Failed(CartNotFound());
        }
        var scope = caller.Id is { } customerId ? $"customer:{customerId}" : $"cart:{cartKey.Value}";
        var keyLock = KeyLocks[(int)((uint)StringComparer.Ordinal.GetHashCode(scope + "\n" + input.IdempotencyKey) % KeyLocks.Length)];
        await keyLock.WaitAsync(cancellationToken);
        try
        {
            return await CompleteLockedAsync(input, cartKey, scope, cancellationToken);
        }
        finally
        {
            keyLock.Release();
        }
    }

    private async Task<CheckoutResult> CompleteLockedAsync(CheckoutCompleteInput input, CartKey cartKey, string scope, CancellationToken cancellationToken)
    {
        var now = Now();
        Order order;
        Payment payment;
        OrderFacts facts;
        StoredCart taken;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            long? orderId = null;
            if (db.Database.IsNpgsql())
            {
                // Another instance handling the same key waits here until this transaction ends. The same round trip draws
                // the order's id, so the order and everything that refers to it go in one batch (an unused id is a gap).
                orderId = await db.Database.SqlQuery<long>($"""
                    SELECT nextval(pg_get_serial_sequence('orders', 'id')) AS "Value"
                    FROM (SELECT pg_advisory_xact_lock(hashtextextended({scope + "\n" + input.IdempotencyKey}, 7))) AS held
                    """).SingleAsync(cancellationToken);
            }
            var previous = await db.Set<CheckoutIdempotencyKey>().SingleOrDefaultAsync(k => k.Scope == scope && k.Key == input.IdempotencyKey, cancellationToken);
            if (previous is not null)
            {
                return previous.CartId == cartKey.Value
                    ? await ReplayAsync(db, previous.OrderId, cancellationToken)
                    : CheckoutResult.Failed(new UserError(ErrorCode.IdempotencyKeyReused,
                        "This idempotency key was already used for another cart. Use a new key for a new checkout.", ["input", "idempotencyKey"]));
            }

            var cart = await carts.GetAsync(cartKey, cancellationToken);
            if (cart is null || (cart.OwnerId is { } owner && owner != caller.Id))
            {
                return CheckoutResult.Failed(CartNotFound());
            }
            if (cart.Lines.Count == 0)
            {
                return CheckoutResult.Failed(new UserError(ErrorCode.CartEmpty, "The cart is empty.", ["input", "cartId"]));
            }
            // Before taking the cart: in a flash sale most attempts end here, and then the cart is neither taken nor put back.
            var (variants, refused) = await CheckAsync(db, cart, cancellationToken);
            if (refused.Count > 0)
            {
                return new CheckoutResult(null, null, null, refused);
            }
            if (await carts.TakeAsync(cartKey, cart.Version, cancellationToken) is not { } took)
            {
                return CheckoutResult.Failed(new UserError(ErrorCode.CartNotFound,
                    "The cart changed or was checked out while this checkout ran; read it again and retry.", ["input", "cartId"]));
            }
            taken = took;

            // Taken at the version just checked, so with the same lines.
            var placed = await PlaceAsync(db, input, taken, variants, scope, orderId, now, cancellationToken);
            if (placed.Errors.Count > 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                await carts.RestoreAsync(taken, cancellationToken);
                return new CheckoutResult(null, null, null, placed.Errors);
            }
            await transaction.CommitAsync(cancellationToken);
            (order, payment, facts) = (placed.Order!, placed.Payment!, placed.Facts!);
        }
        outbox.Notify();
        ShopMetrics.CheckoutOutcomes.Add(1, new KeyValuePair<string, object?>("outcome", "placed"));

        var charge = await gateway.ChargeAsync(
            new ChargeRequest(order.TotalMinor, order.Currency, input.PaymentMethod, payment.GatewayIdempotencyKey, $"Order {order.Number}"),
            cancellationToken);
        var (userErrors, current) = await ApplyChargeAsync(order, payment, facts, charge, cancellationToken);
        if (charge.Outcome == ChargeOutcome.Declined)
        {
            // The shopper may try another card: the cart comes back as it was.
            await carts.RestoreAsync(taken, cancellationToken);
        }
        outbox.Notify();
        ShopMetrics.CheckoutOutcomes.Add(1, new KeyValuePair<string, object?>("outcome", charge.Outcome.ToString()));
        if (current)
        {
            // Every write above matched the state this checkout created: the objects in hand are what is stored.
            return new CheckoutResult(order, payment, accessTokens.For(order.Id), userErrors);
        }
        // Someone else (a webhook, the expiry) moved the payment or the order meanwhile: answer what is stored.
        await using var read = await contexts.CreateDbContextAsync(cancellationToken);
        var result = await ReplayAsync(read, order.Id, cancellationToken);
        return result with { UserErrors = userErrors };
    }

    private sealed record Placement(Order? Order, Payment? Payment, OrderFacts? Facts, IReadOnlyList<UserError> Errors)
    {
        public static Placement Failed(IReadOnlyList<UserError> errors) => new(null, null, null, errors);
    }

    /// <summary>
    /// Writes the order and reserves its stock in the caller's transaction. With <paramref name="orderId"/> drawn beforehand
    /// (PostgreSQL) the order, its lines, payment, idempotency key, history and outbox events are one batch; without it
    /// (SQLite) the order is inserted first to learn its id.
    /// </summary>
    private async Task<Placement> PlaceAsync(ShopDbContext db, CheckoutCompleteInput input, StoredCart cart, Dictionary<long, ProductVariant> variants,
        string scope, long? orderId, DateTime now, CancellationToken cancellationToken)
    {
        var errors = new List<UserError>();
        var lines = cart.Lines.Select(l => (Line: l, Variant: variants[l.VariantId])).ToList();
        var subtotal = lines.Sum(x => x.Variant.PriceMinor * x.Line.Quantity);
        var order = new Order
        {
            Id = orderId ?? 0,
            Number = NewOrderNumber(),
            Status = OrderStatus.PendingPayment,
            Email = input.Email.Trim(),
            CustomerId = caller.Id,
            AccessTokenHash = orderId is { } id ? OrderAccessTokens.Hash(accessTokens.For(id)) : [],
            Currency = lines[0].Variant.Currency,
            SubtotalMinor = subtotal,
            TotalMinor = subtotal,
            ShippingAddress = JsonSerializer.Serialize(input.ShippingAddress, Json),
            CreatedAt = now,
            UpdatedAt = now,
            PaymentDueAt = now + options.Value.PaymentWindow,
            Lines = lines.Select(x => new OrderLine
            {
                VariantId = x.Variant.Id,
                Sku = x.Variant.Sku,
                Name = x.Variant.Name,
                Quantity = x.Line.Quantity,
                UnitPriceMinor = x.Variant.PriceMinor,
            }).ToList(),
        };
        db.Add(order);
        if (orderId is null)
        {
            await db.SaveChangesAsync(cancellationToken);
            order.AccessTokenHash = OrderAccessTokens.Hash(accessTokens.For(order.Id));
        }
        var payment = new Payment
        {
            OrderId = order.Id,
            Status = PaymentStatus.Processing,
            AmountMinor = order.TotalMinor,
            Currency = order.Currency,
            Gateway = gateway.Name,
            GatewayIdempotencyKey = $"hs-order-{order.Id}-payment-1",
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Add(payment);
        db.Add(new CheckoutIdempotencyKey { Scope = scope, Key = input.IdempotencyKey, CartId = cart.Key.Value, OrderId = order.Id, CreatedAt = now });
        OrderTransitions.RecordCreated(db, order, now);
        foreach (var (_, variant) in lines)
        {
            db.EnqueueAvailabilityChanged(variant.ProductId, variant.Id, now);
        }
        await db.SaveChangesAsync(cancellationToken);

        // Reserve last, in variant order: a hot variant's row stays locked only from here to the commit, and two carts
        // sharing variants always lock them in the same order (no deadlock).
        foreach (var (line, variant) in lines.OrderBy(x => x.Variant.Id))
        {
            var quantity = line.Quantity;
            var reserved = await db.StockLevels
                .Where(s => s.VariantId == variant.Id && s.OnHand - s.Reserved >= quantity)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Reserved, x => x.Reserved + quantity).SetProperty(x => x.Version, x => x.Version + 1), cancellationToken);
            if (reserved == 0)
            {
                var available = await db.StockLevels.Where(s => s.VariantId == variant.Id).Select(s => s.OnHand - s.Reserved).FirstOrDefaultAsync(cancellationToken);
                errors.Add(new InsufficientStockError(variant.Id, quantity, Math.Max(0, available), ["input", "cartId"]));
            }
        }
        if (errors.Count > 0)
        {
            return Placement.Failed(errors);
        }
        // Just created: its only history entry is sequence 1, and the lines are the ones written above.
        var facts = new OrderFacts(order.CustomerId, 1, lines.Select(x => new OrderFacts.Line(x.Variant.Id, x.Line.Quantity, x.Variant.ProductId)).ToList());
        return new Placement(order, payment, facts, []);
    }

    /// <summary>The cart's variants with their stock, or why it cannot be checked out (no longer sold, mixed currencies, sold out).</summary>
    private static async Task<(Dictionary<long, ProductVariant> Variants, IReadOnlyList<UserError> Errors)> CheckAsync(
        ShopDbContext db, StoredCart cart, CancellationToken cancellationToken)
    {
        var variantIds = cart.Lines.Select(l => l.VariantId).ToList();
        // Variants of soft-deleted products are no longer sold: they count as missing. Stock comes along in the same
        // statement: it lets a checkout that cannot succeed stop before writing anything.
        var variants = await db.ProductVariants.Include(v => v.Stock)
            .Where(v => variantIds.Contains(v.Id) && db.Products.Any(p => p.Id == v.ProductId && p.DeletedAt == null))
            .ToDictionaryAsync(v => v.Id, cancellationToken);
        var errors = new List<UserError>();
        for (var i = 0; i < cart.Lines.Count; i++)
        {
            if (!variants.ContainsKey(cart.Lines[i].VariantId))
            {
                errors.Add(UserError.NotFound("A product in the cart is no longer sold; remove it and try again.", "input", "cartId"));
            }
        }
        var currencies = variants.Values.Select(v => v.Currency).Distinct().ToList();
        if (currencies.Count > 1)
        {
            errors.Add(UserError.Invalid("The cart mixes currencies; check out one currency at a time.", "input", "cartId"));
        }
        if (errors.Count > 0)
        {
            return (variants, errors);
        }
        // Sold out already (committed stock, read without a lock): answer now instead of inserting an order and
        // rolling it back. In a flash sale most attempts end here. This read only ever refuses early what the
        // conditional UPDATE in PlaceAsync would refuse; it never lets a line through, that UPDATE does.
        foreach (var line in cart.Lines)
        {
            var available = variants[line.VariantId].Stock?.Available ?? 0;
            if (available < line.Quantity)
            {
                errors.Add(new InsufficientStockError(line.VariantId, line.Quantity, available, ["input", "cartId"]));
            }
        }
        return (variants, errors);
    }

    /// <summary>
    /// Records the gateway's answer and moves the order: paid, cancelled (declined) or still pending (3-D Secure). Brings
    /// <paramref name="order"/> and <paramref name="payment"/> up to date; <c>Current</c> is false when another actor had
    /// changed either first, so they must be read again.
    /// </summary>
    private async Task<(IReadOnlyList<UserError> Errors, bool Current)> ApplyChargeAsync(
        Order order, Payment payment, OrderFacts facts, ChargeResult charge, CancellationToken cancellationToken)
    {
        var now = Now();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var status = charge.Outcome switch
        {
            ChargeOutcome.Succeeded => PaymentStatus.Succeeded,
            ChargeOutcome.RequiresAction => PaymentStatus.RequiresAction,
            ChargeOutcome.Processing => PaymentStatus.Processing,
            _ => PaymentStatus.Failed,
        };
        var paymentUpdated = await db.Set<Payment>().Where(p => p.Id == payment.Id && p.Status == PaymentStatus.Processing)
            .ExecuteUpdateAsync(p => p.SetProperty(x => x.Status, status)
                .SetProperty(x => x.GatewayReference, charge.Reference)
                .SetProperty(x => x.ClientSecret, charge.ClientSecret)
                .SetProperty(x => x.UpdatedAt, now), cancellationToken) == 1;
        IReadOnlyList<UserError> errors = [];
        OrderStatus? movedTo = null;
        switch (charge.Outcome)
        {
            case ChargeOutcome.Succeeded:
                movedTo = await OrderTransitions.MoveAsync(db, order.Id, OrderStatus.PendingPayment, OrderStatus.Paid, StockEffect.Sell, "Payment succeeded", now,
                    facts, cancellationToken) ? OrderStatus.Paid : null;
                paymentUpdated &= movedTo is not null;
                break;
            case ChargeOutcome.Declined:
                movedTo = await OrderTransitions.MoveAsync(db, order.Id, OrderStatus.PendingPayment, OrderStatus.Cancelled, StockEffect.Release,
                    "Payment declined", now, facts, cancellationToken) ? OrderStatus.Cancelled : null;
                paymentUpdated &= movedTo is not null;
                errors = [new UserError(ErrorCode.PaymentDeclined, charge.DeclineMessage ?? "The payment was declined.", ["input", "paymentMethod"])];
                break;
        }
        await transaction.CommitAsync(cancellationToken);
        if (!paymentUpdated)
        {
            return (errors, false);
        }
        (payment.Status, payment.GatewayReference, payment.ClientSecret, payment.UpdatedAt) = (status, charge.Reference, charge.ClientSecret, now);
        if (movedTo is { } to)
        {
            (order.Status, order.StockSettled, order.UpdatedAt) = (to, true, now);
        }
        return (errors, true);
    }

    /// <summary>Now at the database's precision (microseconds), so an answer built from memory equals a later read.</summary>
    private DateTime Now()
    {
        var now = time.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    /// <summary>The order as it stands, with its latest payment and the guest access token: what a retry gets back.</summary>
    private async Task<CheckoutResult> ReplayAsync(ShopDbContext db, long orderId, CancellationToken cancellationToken)
    {
        var order = await db.Set<Order>().Include(o => o.Lines).SingleAsync(o => o.Id == orderId, cancellationToken);
        var payment = await db.Set<Payment>().Where(p => p.OrderId == orderId).OrderByDescending(p => p.Id).FirstOrDefaultAsync(cancellationToken);
        return new CheckoutResult(order, payment, accessTokens.For(orderId), []);
    }

    private static List<UserError> Validate(CheckoutCompleteInput input)
    {
        var errors = new List<UserError>();
        if (string.IsNullOrWhiteSpace(input.IdempotencyKey) || input.IdempotencyKey.Length > MaxIdempotencyKeyLength)
        {
            errors.Add(UserError.Invalid($"The idempotency key must be 1 to {MaxIdempotencyKeyLength} characters.", "input", "idempotencyKey"));
        }
        if (input.Email.Length > 320 || !MailAddress.TryCreate(input.Email.Trim(), out var email) || email.Address != input.Email.Trim())
        {
            errors.Add(UserError.Invalid("Enter a valid email address.", "input", "email"));
        }
        if (string.IsNullOrWhiteSpace(input.PaymentMethod) || input.PaymentMethod.Length > 255)
        {
            errors.Add(UserError.Invalid("Pass the payment method token from the payment form.", "input", "paymentMethod"));
        }
        var address = input.ShippingAddress;
        void Require(string? value, string field, int max)
        {
            if (string.IsNullOrWhiteSpace(value) || value.Length > max)
            {
                errors.Add(UserError.Invalid($"The address needs a {field} (at most {max} characters).", "input", "shippingAddress", field));
            }
        }
        Require(address.Name, "name", 200);
        Require(address.Line1, "line1", 200);
        Require(address.City, "city", 100);
        Require(address.PostalCode, "postalCode", 20);
        if (address.Line2 is { Length: > 200 })
        {
            errors.Add(UserError.Invalid("The address's line2 is too long (at most 200 characters).", "input", "shippingAddress", "line2"));
        }
        if (address.Country is not { Length: 2 } country || !country.All(char.IsAsciiLetterUpper))
        {
            errors.Add(UserError.Invalid("The country must be a two-letter ISO 3166 code such as \"DE\" or \"US\".", "input", "shippingAddress", "country"));
        }
        return errors;
    }

    private static UserError CartNotFound() => new(ErrorCode.CartNotFound, "No cart with this id; it may have expired.", ["input", "cartId"]);

    private static string NewOrderNumber()
    {
        const string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        var text = new StringBuilder("HS-", 13);
        foreach (var b in random)
        {
            text.Append(alphabet[b & 31]);
        }
        return text.ToString();
    }
}

/// <summary>
/// The bearer secret that lets a guest read and follow an order: an HMAC of the order id under the server's signing key,
/// so every retry of a checkout returns the same token; only its SHA-256 is stored with the order.
/// </summary>
public sealed class OrderAccessTokens(IOptions<JwtOptions> jwt)
{
    public string For(long orderId)
    {
        var key = Encoding.UTF8.GetBytes(jwt.Value.SigningKey ?? throw new InvalidOperationException("Jwt:SigningKey is not set."));
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("order-access:" + orderId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public static bool Matches(Order order, string? token) =>
        token is { Length: > 0 and < 200 } && CryptographicOperations.FixedTimeEquals(order.AccessTokenHash, Hash(token));
}
