using HeadlessShop.Api.Payments;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Checkout;

/// <summary>Production takes real payments unless an operator explicitly chose the test gateway.</summary>
public sealed class PaymentConfigurationTests
{
    private static string[] Production(params string[] extra) =>
    [
        "--urls", "http://127.0.0.1:0",
        "--HeadlessShop:Mode=Production",
        "--ConnectionStrings:Postgres=Host=127.0.0.1;Database=unused",
        "--ConnectionStrings:Redis=127.0.0.1:1",
        "--Jwt:SigningKey=" + new string('k', 40),
        .. extra,
    ];

    [Fact]
    public void Production_without_a_gateway_choice_needs_the_Stripe_keys_and_names_them()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ShopApplication.Build(Production()));

        Assert.Contains("Stripe__SecretKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("Stripe__WebhookSecret", error.Message, StringComparison.Ordinal);
        Assert.Contains("Payments__Gateway=Test", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_uses_Stripe_by_default_with_the_keys_named_in_the_design()
    {
        await using var app = ShopApplication.Build(Production("--Stripe:SecretKey=sk_test_x", "--Stripe:WebhookSecret=whsec_x"));

        Assert.IsType<StripePaymentGateway>(app.Services.GetRequiredService<IPaymentGateway>());
        Assert.True(app.Services.GetRequiredService<ActivePaymentGateway>().UsesStripe);
    }

    [Fact]
    public async Task Production_runs_the_test_gateway_only_when_it_is_chosen_explicitly()
    {
        await using var app = ShopApplication.Build(Production("--Payments:Gateway=Test"));

        Assert.IsType<TestPaymentGateway>(app.Services.GetRequiredService<IPaymentGateway>());
    }

    [Fact]
    public void An_unknown_gateway_name_is_refused_at_start_up()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ShopApplication.Build(Production("--Payments:Gateway=Paypal")));

        Assert.Contains("Payments__Gateway", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embedded_mode_defaults_to_the_test_gateway()
    {
        var file = Path.Combine(Path.GetTempPath(), $"hs-pay-{Guid.NewGuid():N}.db");
        try
        {
            await using var app = ShopApplication.Build(["--urls", "http://127.0.0.1:0", $"--ConnectionStrings:Sqlite=Data Source={file};Pooling=False", "--HeadlessShop:DemoCatalogProducts=0"]);
            Assert.IsType<TestPaymentGateway>(app.Services.GetRequiredService<IPaymentGateway>());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
