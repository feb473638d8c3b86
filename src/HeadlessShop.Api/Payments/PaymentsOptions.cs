using HeadlessShop.Api.Data;

namespace HeadlessShop.Api.Payments;

public enum PaymentGatewayKind
{
    /// <summary>Stripe's test tokens answered in process: no network, no money. Embedded default.</summary>
    Test,

    /// <summary>Stripe PaymentIntents. Production default.</summary>
    Stripe,
}

/// <summary>Bound from the <c>Payments</c> section: which gateway takes the money.</summary>
public sealed class PaymentsOptions
{
    public const string SectionName = "Payments";

    /// <summary><c>Test</c> or <c>Stripe</c>; unset means Stripe in Production and Test in Embedded mode.</summary>
    public PaymentGatewayKind? Gateway { get; set; }

    /// <summary>The gateway in force: Production takes real payments unless the operator explicitly chose Test (staging, load tests).</summary>
    public PaymentGatewayKind EffectiveGateway(ShopMode mode) =>
        Gateway ?? (mode == ShopMode.Production ? PaymentGatewayKind.Stripe : PaymentGatewayKind.Test);
}

/// <summary>Bound from the <c>Stripe</c> section (<c>Stripe__SecretKey</c>, <c>Stripe__WebhookSecret</c>, <c>Stripe__ApiBase</c>).</summary>
public sealed class StripeOptions
{
    public const string SectionName = "Stripe";

    /// <summary>Secret API key (<c>sk_…</c>).</summary>
    public string? SecretKey { get; set; }

    /// <summary>Signing secret of the webhook endpoint (<c>whsec_…</c>).</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Stripe's API address; tests point it at a stand-in.</summary>
    public Uri ApiBase { get; set; } = new("https://api.stripe.com");

    /// <summary>Retries of failed calls (network errors, 409, 429, 5xx); every retry reuses the idempotency key.</summary>
    public int MaxNetworkRetries { get; set; } = 2;
}

/// <summary>The gateway chosen at start-up, for the parts (webhooks) that only exist with Stripe.</summary>
public sealed record ActivePaymentGateway(PaymentGatewayKind Kind)
{
    public bool UsesStripe => Kind == PaymentGatewayKind.Stripe;
}
