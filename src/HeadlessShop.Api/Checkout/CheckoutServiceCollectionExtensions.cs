using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Orders;
using HeadlessShop.Api.Payments;

namespace HeadlessShop.Api.Checkout;

public static class CheckoutServiceCollectionExtensions
{
    /// <summary>Checkout, orders and the payment gateway: Stripe in Production unless <c>Payments:Gateway=Test</c> was chosen.</summary>
    public static IHostApplicationBuilder AddCheckout(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CheckoutOptions>().BindConfiguration(CheckoutOptions.SectionName);
        var stripe = services.AddOptions<StripeOptions>().BindConfiguration(StripeOptions.SectionName);
        var gateway = ChooseGateway(builder.Configuration);
        services.AddSingleton(gateway);
        services.AddSingleton<TestPaymentGateway>();
        if (gateway.UsesStripe)
        {
            // Checked when the server starts, so operator commands (migrate, seed, reindex) run without payment secrets.
            stripe.Validate(o => !string.IsNullOrWhiteSpace(o.SecretKey) && !string.IsNullOrWhiteSpace(o.WebhookSecret),
                    "The Stripe gateway (the Production default) needs Stripe__SecretKey (sk_...) and Stripe__WebhookSecret (whsec_...); " +
                    "set Payments__Gateway=Test explicitly for a staging or load-test stack that takes no money.")
                .ValidateOnStart();
            services.AddHttpClient(nameof(StripePaymentGateway));
            services.AddSingleton<IPaymentGateway, StripePaymentGateway>();
        }
        else
        {
            services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<TestPaymentGateway>());
        }
        services.AddSingleton<OrderAccessTokens>();
        services.AddScoped<CheckoutService>();
        services.AddScoped<OrderService>();
        services.AddScoped<OrderAdministration>();
        services.AddScoped<OrderByIdDataLoader>();
        services.AddScoped<OrderLinesByOrderIdDataLoader>();
        services.AddScoped<PaymentsByOrderIdDataLoader>();
        services.AddScoped<ShipmentsByOrderIdDataLoader>();
        services.AddScoped<HistoryByOrderIdDataLoader>();
        services.AddSingleton<INodeResolver, OrderNodeResolver>();
        services.AddSingleton<IQueryFields, OrderQueryFields>();
        services.AddSingleton<IMutationFields, CheckoutMutationFields>();
        services.AddSingleton<IMutationFields, OrderMutationFields>();
        services.AddSingleton<ISubscriptionFields, OrderSubscriptionFields>();
        services.AddSingleton<Infrastructure.Events.IEventRoute, CustomerOrdersRoute>();
        services.AddSingleton<OrderExpiry>();
        services.AddHostedService(sp => sp.GetRequiredService<OrderExpiry>());
        return builder;
    }

    private static ActivePaymentGateway ChooseGateway(IConfiguration configuration)
    {
        PaymentsOptions payments;
        try
        {
            payments = configuration.GetSection(PaymentsOptions.SectionName).Get<PaymentsOptions>() ?? new PaymentsOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException("Payments__Gateway must be Stripe or Test.", e);
        }
        var mode = configuration.GetSection(ShopOptions.SectionName).Get<ShopOptions>()?.Mode ?? ShopMode.Embedded;
        return new ActivePaymentGateway(payments.EffectiveGateway(mode));
    }
}
