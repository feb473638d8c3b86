namespace HeadlessShop.Api.Infrastructure.Events;

public static class EventsServiceCollectionExtensions
{
    /// <summary>
    /// The event stream (Redis Stream in Production, in-memory in Embedded mode), the outbox relay and the host
    /// that runs every registered <see cref="IEventConsumer"/>.
    /// </summary>
    public static IHostApplicationBuilder AddShopEvents(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<EventsOptions>().BindConfiguration(EventsOptions.SectionName);
        if (RedisServiceCollectionExtensions.IsRedisEnabled(builder.Configuration))
        {
            services.AddSingleton<IEventBus, RedisEventBus>();
        }
        else
        {
            services.AddSingleton<IEventBus, InMemoryEventBus>();
        }
        services.AddSingleton<OutboxSignal>();
        services.AddHostedService<OutboxRelay>();
        services.AddHostedService<EventConsumerHost>();
        services.AddSingleton<EventHub>();
        services.AddHostedService(sp => sp.GetRequiredService<EventHub>());
        return builder;
    }
}
