using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Orders;
using HeadlessShop.Api.Payments;

namespace HeadlessShop.Api.Checkout;

public static class CheckoutServiceCollectionExtensions
{
    /// <summary>Checkout, orders and the payment gateway: Stripe when <c>Payments:Gateway=Stripe</c>, else the test gateway.</summary>
    public static IHostApplicationBuilder AddCheckout(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CheckoutOptions>().BindConfiguration(CheckoutOptions.SectionName);
        services.AddOptions<PaymentsOptions>().BindConfiguration(PaymentsOptions.SectionName);
        var payments = builder.Configuration.GetSection(PaymentsOptions.SectionName).Get<PaymentsOptions>() ?? new PaymentsOptions();
        services.AddSingleton<TestPaymentGateway>();
        if (payments.UsesStripe)
        {
            if (string.IsNullOrWhiteSpace(payments.StripeApiKey) || string.IsNullOrWhiteSpace(payments.StripeWebhookSecret))
            {
                throw new InvalidOperationException(
                    "Payments__Gateway=Stripe needs Payments__StripeApiKey (sk_...) and Payments__StripeWebhookSecret (whsec_...).");
            }
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
}
