using Microsoft.Extensions.Options;
using Stripe;

namespace HeadlessShop.Api.Payments;

/// <summary>
/// Payments through Stripe PaymentIntents: created and confirmed in one call with the customer's payment method and an
/// idempotency key derived from the order, so a retried call (ours or Stripe.net's own) never charges twice.
/// <c>requires_action</c> hands the client secret to the storefront for 3-D Secure; card errors are declines.
/// </summary>
public sealed class StripePaymentGateway : IPaymentGateway
{
    private readonly StripeClient _client;

    public StripePaymentGateway(IOptions<StripeOptions> options, IHttpClientFactory httpClients)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClients);
        var settings = options.Value;
        var http = new SystemNetHttpClient(httpClients.CreateClient(nameof(StripePaymentGateway)), settings.MaxNetworkRetries);
        _client = new StripeClient(settings.SecretKey, httpClient: http, apiBase: settings.ApiBase.ToString().TrimEnd('/'));
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
