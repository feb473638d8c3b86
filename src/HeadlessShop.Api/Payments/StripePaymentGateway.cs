using Microsoft.Extensions.Options;
using Stripe;

namespace HeadlessShop.Api.Payments;

/// <summary>Bound from the <c>Payments</c> section.</summary>
public sealed class PaymentsOptions
{
    public const string SectionName = "Payments";

    /// <summary><c>Test</c> (embedded default: test tokens, no network) or <c>Stripe</c>.</summary>
    public string Gateway { get; set; } = "Test";

    public string? StripeApiKey { get; set; }

    /// <summary>Signing secret of the webhook endpoint (<c>whsec_…</c>); required with the Stripe gateway.</summary>
    public string? StripeWebhookSecret { get; set; }

    /// <summary>Stripe's API address; tests point it at a stand-in.</summary>
    public Uri StripeApiBase { get; set; } = new("https://api.stripe.com");

    /// <summary>Retries of failed calls (network errors, 409, 429, 5xx); every retry reuses the idempotency key.</summary>
    public int StripeMaxNetworkRetries { get; set; } = 2;

    public bool UsesStripe => string.Equals(Gateway, "Stripe", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Payments through Stripe PaymentIntents: created and confirmed in one call with the customer's payment method and an
/// idempotency key derived from the order, so a retried call (ours or Stripe.net's own) never charges twice.
/// <c>requires_action</c> hands the client secret to the storefront for 3-D Secure; card errors are declines.
/// </summary>
public sealed class StripePaymentGateway : IPaymentGateway
{
    private readonly StripeClient _client;

    public StripePaymentGateway(IOptions<PaymentsOptions> options, IHttpClientFactory httpClients)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClients);
        var settings = options.Value;
        var http = new SystemNetHttpClient(httpClients.CreateClient(nameof(StripePaymentGateway)), settings.StripeMaxNetworkRetries);
        _client = new StripeClient(settings.StripeApiKey, httpClient: http, apiBase: settings.StripeApiBase.ToString().TrimEnd('/'));
    }

    public string Name => "stripe";

    public async Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var intent = await new PaymentIntentService(_client).CreateAsync(new PaymentIntentCreateOptions
            {
                Amount = request.AmountMinor,
                Currency = request.Currency.ToString().ToLowerInvariant(),
                PaymentMethod = request.PaymentMethod,
                // Card payments confirmed server-side: no redirect-based methods, 3-D Secure via the client secret.
                AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true, AllowRedirects = "never" },
                Confirm = true,
                Description = request.Description,
                Metadata = new Dictionary<string, string> { ["idempotency_key"] = request.IdempotencyKey },
            }, new RequestOptions { IdempotencyKey = request.IdempotencyKey }, cancellationToken);
            return intent.Status switch
            {
                "succeeded" => new ChargeResult(ChargeOutcome.Succeeded, intent.Id),
                "requires_action" or "requires_confirmation" => new ChargeResult(ChargeOutcome.RequiresAction, intent.Id, intent.ClientSecret),
                "processing" => new ChargeResult(ChargeOutcome.Processing, intent.Id),
                _ => new ChargeResult(ChargeOutcome.Declined, intent.Id, DeclineMessage: $"The payment could not be completed ({intent.Status})."),
            };
        }
        catch (StripeException ex) when (ex.StripeError?.Type == "card_error")
        {
            return new ChargeResult(ChargeOutcome.Declined, ex.StripeError.PaymentIntent?.Id ?? "", DeclineMessage: ex.StripeError.Message ?? "Your card was declined.");
        }
    }

    public async Task RefundAsync(string reference, long amountMinor, string idempotencyKey, CancellationToken cancellationToken) =>
        await new RefundService(_client).CreateAsync(
            new RefundCreateOptions { PaymentIntent = reference, Amount = amountMinor },
            new RequestOptions { IdempotencyKey = idempotencyKey },
            cancellationToken);
}
