using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.Orders;
using HeadlessShop.Api.Tests.Carts;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace HeadlessShop.Api.Tests.Checkout;

/// <summary>
/// The API with the Stripe gateway pointed at a WireMock stand-in that answers like Stripe's API
/// (POST /v1/payment_intents, form-encoded, Idempotency-Key header; errors as <c>{"error": {...}}</c>).
/// </summary>
public sealed class StripeFactory : CartsFactory, IAsyncLifetime
{
    public const string WebhookSecret = "whsec_test_headlessshop";

    public WireMockServer Stripe { get; } = WireMockServer.Start();

    public StripeFactory()
    {
        Intent("pm_card_visa", "pi_visa_1", "succeeded");
        Intent("pm_card_threeDSecure2Required", "pi_3ds_1", "requires_action");
        Stripe.Given(Request.Create().WithPath("/v1/payment_intents").UsingPost().WithBody(new WildcardMatcher("*payment_method=pm_card_chargeDeclined*")))
            .RespondWith(Response.Create().WithStatusCode(402).WithHeader("Content-Type", "application/json").WithBody("""
                {"error": {"type": "card_error", "code": "card_declined", "decline_code": "generic_decline",
                           "message": "Your card was declined.",
                           "payment_intent": {"id": "pi_declined_1", "object": "payment_intent", "status": "requires_payment_method"}}}
                """));
        // Rate limited once, then fine: the client must retry with the same idempotency key.
        Stripe.Given(Request.Create().WithPath("/v1/payment_intents").UsingPost().WithBody(new WildcardMatcher("*payment_method=pm_flaky_card*")))
            .InScenario("flaky").WillSetStateTo("recovered")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Stripe-Should-Retry", "true").WithHeader("Content-Type", "application/json")
                .WithBody("""{"error": {"type": "invalid_request_error", "code": "rate_limit", "message": "Too many requests."}}"""));
        Stripe.Given(Request.Create().WithPath("/v1/payment_intents").UsingPost().WithBody(new WildcardMatcher("*payment_method=pm_flaky_card*")))
            .InScenario("flaky").WhenStateIs("recovered")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(IntentJson("pi_flaky_1", "succeeded")));
    }

    private void Intent(string paymentMethod, string id, string status) =>
        Stripe.Given(Request.Create().WithPath("/v1/payment_intents").UsingPost().WithBody(new WildcardMatcher($"*payment_method={paymentMethod}*")))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(IntentJson(id, status)));

    public static string IntentJson(string id, string status) => $$$"""
        {"id": "{{{id}}}", "object": "payment_intent", "amount": 1000, "currency": "usd", "status": "{{{status}}}",
         "client_secret": "{{{id}}}_secret_abc", "livemode": false, "metadata": {}}
        """;

    /// <summary>Requests the stand-in received for one payment method.</summary>
    public IReadOnlyList<WireMock.Logging.ILogEntry> IntentRequests(string paymentMethod) =>
        Stripe.LogEntries.Where(e => e.RequestMessage!.Path == "/v1/payment_intents"
            && (e.RequestMessage!.Body ?? "").Contains("payment_method=" + paymentMethod, StringComparison.Ordinal)).ToList();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Payments:Gateway", "Stripe");
        builder.UseSetting("Stripe:SecretKey", "sk_test_headlessshop");
        builder.UseSetting("Stripe:WebhookSecret", WebhookSecret);
        builder.UseSetting("Stripe:ApiBase", Stripe.Url!);
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Stripe.Stop();
        Stripe.Dispose();
    }
}

public sealed class StripeTests(StripeFactory factory) : IClassFixture<StripeFactory>
{
    [Fact]
    public async Task Five_concurrent_retries_reach_the_stand_in_once_with_an_idempotency_key()
    {
        var (variantId, variantKey, _) = await factory.VariantAsync(1, onHand: 10);
        var cartId = (await factory.Client().CreateCartAsync((variantId, 2)))["id"]!.GetValue<string>();

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => factory.Client().CheckoutAsync(cartId, "stripe-retry-1")));

        Assert.All(results, r => Assert.Equal("PAID", r["order"]!["status"]!.GetValue<string>()));
        Assert.Single(results.Select(r => r["order"]!["id"]!.GetValue<string>()).Distinct());
        var calls = factory.IntentRequests("pm_card_visa");
        var call = Assert.Single(calls);
        Assert.StartsWith("hs-order-", call.RequestMessage!.Headers!["Idempotency-Key"].Single(), StringComparison.Ordinal);
        Assert.Contains("confirm=true", call.RequestMessage!.Body, StringComparison.Ordinal);
        Assert.Equal((8, 0), await factory.StockAsync(variantKey));
    }

    [Fact]
    public async Task A_rate_limited_call_is_retried_with_the_same_idempotency_key()
    {
        var (variantId, _, _) = await factory.VariantAsync(2, onHand: 10);
        var cartId = (await factory.Client().CreateCartAsync((variantId, 1)))["id"]!.GetValue<string>();

        var result = await factory.Client().CheckoutAsync(cartId, "stripe-flaky-1", "pm_flaky_card");

        Assert.Equal("PAID", result["order"]!["status"]!.GetValue<string>());
        var calls = factory.IntentRequests("pm_flaky_card");
        Assert.Equal(2, calls.Count);
        Assert.Single(calls.Select(c => c.RequestMessage!.Headers!["Idempotency-Key"].Single()).Distinct());
    }

    [Fact]
    public async Task A_card_error_is_payment_declined_and_releases_the_stock()
    {
        var (variantId, variantKey, _) = await factory.VariantAsync(3, onHand: 4);
        var cartId = (await factory.Client().CreateCartAsync((variantId, 4)))["id"]!.GetValue<string>();

        var result = await factory.Client().CheckoutAsync(cartId, "stripe-declined-1", "pm_card_chargeDeclined");

        Assert.Equal(["PAYMENT_DECLINED"], result.Codes());
        Assert.Equal("Your card was declined.", result["userErrors"]![0]!["message"]!.GetValue<string>());
        Assert.Equal("CANCELLED", result["order"]!["status"]!.GetValue<string>());
        Assert.Equal((4, 0), await factory.StockAsync(variantKey));
    }

    [Fact]
    public async Task A_success_webhook_delivered_three_times_and_a_stale_failure_leave_the_order_paid_once()
    {
        var (variantId, variantKey, _) = await factory.VariantAsync(4, onHand: 5);
        var cartId = (await factory.Client().CreateCartAsync((variantId, 2)))["id"]!.GetValue<string>();
        var pending = await factory.Client().CheckoutAsync(cartId, "stripe-3ds-1", "pm_card_threeDSecure2Required");
        Assert.Equal(("PENDING_PAYMENT", "pi_3ds_1_secret_abc"),
            (pending["order"]!["status"]!.GetValue<string>(), pending["payment"]!["clientSecret"]!.GetValue<string>()));
        var client = factory.Client();

        var succeeded = Event("evt_success_1", "payment_intent.succeeded", "pi_3ds_1", "succeeded");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (int)(await PostAsync(client, succeeded, Sign(succeeded))).StatusCode);
        }
        var stale = Event("evt_failed_1", "payment_intent.payment_failed", "pi_3ds_1", "requires_payment_method");
        Assert.Equal(200, (int)(await PostAsync(client, stale, Sign(stale))).StatusCode);

        var order = (await client.GraphQLAsync("query($id: ID!, $t: String) { order(id: $id, accessToken: $t) { status payments { status } history { status } } }",
            new { id = pending["order"]!["id"]!.GetValue<string>(), t = pending["orderAccessToken"]!.GetValue<string>() })).OkData()["order"]!;
        Assert.Equal("PAID", order["status"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", order["payments"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(["PENDING_PAYMENT", "PAID"], order["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()));
        Assert.Equal((3, 0), await factory.StockAsync(variantKey));
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>().CreateDbContextAsync();
        Assert.Equal(2, await db.Set<HeadlessShop.Api.Payments.ProcessedWebhookEvent>().CountAsync(e => e.EventId == "evt_success_1" || e.EventId == "evt_failed_1"));
    }

    [Fact]
    public async Task A_bad_signature_or_an_old_timestamp_is_rejected_before_anything_is_applied()
    {
        var client = factory.Client();
        var body = Event("evt_forged_1", "payment_intent.succeeded", "pi_visa_1", "succeeded");

        var forged = await PostAsync(client, body, Sign(body, secret: "whsec_wrong"));
        var old = await PostAsync(client, body, Sign(body, at: DateTimeOffset.UtcNow.AddMinutes(-10)));
        var missing = await PostAsync(client, body, "");

        Assert.Equal((400, 400, 400), ((int)forged.StatusCode, (int)old.StatusCode, (int)missing.StatusCode));
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Set<HeadlessShop.Api.Payments.ProcessedWebhookEvent>().AnyAsync(e => e.EventId == "evt_forged_1"));
    }

    private static string Event(string id, string type, string intentId, string status) => new System.Text.Json.Nodes.JsonObject
    {
        ["id"] = id,
        ["object"] = "event",
        ["api_version"] = "2024-06-20",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["livemode"] = false,
        ["type"] = type,
        ["data"] = new System.Text.Json.Nodes.JsonObject
        {
            ["object"] = new System.Text.Json.Nodes.JsonObject
            {
                ["id"] = intentId, ["object"] = "payment_intent", ["amount"] = 1000, ["currency"] = "usd", ["status"] = status,
            },
        },
    }.ToJsonString();

    private static string Sign(string body, string secret = StripeFactory.WebhookSecret, DateTimeOffset? at = null)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }
        return await client.SendAsync(request);
    }
}
