using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using HeadlessShop.Api.Common;

namespace HeadlessShop.Api.Payments;

public enum ChargeOutcome
{
    Succeeded,
    RequiresAction,

    /// <summary>Accepted but not settled yet (e.g. bank debits): a webhook reports the result.</summary>
    Processing,
    Declined,
}

public sealed record ChargeRequest(long AmountMinor, CurrencyCode Currency, string PaymentMethod, string IdempotencyKey, string Description);

public sealed record ChargeResult(ChargeOutcome Outcome, string Reference, string? ClientSecret = null, string? DeclineMessage = null);

/// <summary>
/// Takes payments. Every call carries an idempotency key: the same key always yields the same charge, so a retry after a
/// timeout or crash never charges twice. Implementations: <see cref="TestPaymentGateway"/> (embedded mode, tests) and the
/// Stripe adapter.
/// </summary>
public interface IPaymentGateway
{
    string Name { get; }

    Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken);

    /// <summary>Refunds part or all of a succeeded charge; the idempotency key makes a retried refund happen once.</summary>
    Task RefundAsync(string reference, long amountMinor, string idempotencyKey, CancellationToken cancellationToken);
}

/// <summary>
/// Embedded-mode gateway with Stripe's test tokens: <c>pm_card_visa</c> succeeds, <c>pm_card_chargeDeclined</c> is
/// declined, <c>pm_card_threeDSecure2Required</c> requires customer action. Any other token is declined. Remembers
/// answers by idempotency key like a real gateway, and counts the charges it actually made.
/// </summary>
public sealed class TestPaymentGateway : IPaymentGateway
{
    public const string Visa = "pm_card_visa";
    public const string Declined = "pm_card_chargeDeclined";
    public const string ThreeDSecure = "pm_card_threeDSecure2Required";

    private readonly ConcurrentDictionary<string, Lazy<ChargeResult>> _byIdempotencyKey = new(StringComparer.Ordinal);
    private int _charges;

    public string Name => "test";

    /// <summary>Charges actually made (answers replayed for a repeated idempotency key do not count).</summary>
    public int Charges => Volatile.Read(ref _charges);

    public Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = _byIdempotencyKey.GetOrAdd(request.IdempotencyKey, _ => new Lazy<ChargeResult>(() => Charge(request))).Value;
        return Task.FromResult(result);
    }

    private readonly ConcurrentDictionary<string, long> _refunds = new(StringComparer.Ordinal);

    /// <summary>Refunded amount per refund idempotency key.</summary>
    public IReadOnlyDictionary<string, long> Refunds => _refunds;

    public Task RefundAsync(string reference, long amountMinor, string idempotencyKey, CancellationToken cancellationToken)
    {
        _refunds.TryAdd(idempotencyKey, amountMinor);
        return Task.CompletedTask;
    }

    private ChargeResult Charge(ChargeRequest request)
    {
        Interlocked.Increment(ref _charges);
        var reference = "pi_test_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request.IdempotencyKey)))[..24];
        return request.PaymentMethod switch
        {
            Visa => new ChargeResult(ChargeOutcome.Succeeded, reference),
            ThreeDSecure => new ChargeResult(ChargeOutcome.RequiresAction, reference, ClientSecret: reference + "_secret_" + Guid.NewGuid().ToString("N")[..12]),
            Declined => new ChargeResult(ChargeOutcome.Declined, reference, DeclineMessage: "Your card was declined."),
            _ => new ChargeResult(ChargeOutcome.Declined, reference, DeclineMessage: $"Unknown test payment method; use {Visa}, {Declined} or {ThreeDSecure}."),
        };
    }
}
