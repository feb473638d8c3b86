using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Orders;
using HeadlessShop.Api.Payments;

namespace HeadlessShop.Api.Checkout;

public static class CheckoutServiceCollectionExtensions
{
    /// <summary>Checkout, orders and the payment gateway (the test gateway until the Stripe adapter lands).</summary>
    public static IHostApplicationBuilder AddCheckout(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CheckoutOptions>().BindConfiguration(CheckoutOptions.SectionName);
        services.AddSingleton<TestPaymentGateway>();
        services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<TestPaymentGateway>());
        services.AddSingleton<OrderAccessTokens>();
        services.AddScoped<CheckoutService>();
        services.AddScoped<OrderService>();
        services.AddScoped<OrderByIdDataLoader>();
        services.AddScoped<OrderLinesByOrderIdDataLoader>();
        services.AddScoped<PaymentsByOrderIdDataLoader>();
        services.AddScoped<ShipmentsByOrderIdDataLoader>();
        services.AddScoped<HistoryByOrderIdDataLoader>();
        services.AddSingleton<INodeResolver, OrderNodeResolver>();
        services.AddSingleton<IQueryFields, OrderQueryFields>();
        services.AddSingleton<IMutationFields, CheckoutMutationFields>();
        services.AddSingleton<IMutationFields, OrderMutationFields>();
        services.AddSingleton<OrderExpiry>();
        services.AddHostedService(sp => sp.GetRequiredService<OrderExpiry>());
        return builder;
    }
}
