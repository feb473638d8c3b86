using System.Diagnostics.Metrics;

namespace HeadlessShop.Api.Infrastructure;

/// <summary>The shop's own instruments (meter "HeadlessShop"); features record into these.</summary>
public static class ShopMetrics
{
    public const string MeterName = "HeadlessShop";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Keys per DataLoader batch, tagged with the loader: shows batching working (or not) in production.</summary>
    public static readonly Histogram<int> DataLoaderBatchSize =
        Meter.CreateHistogram<int>("dataloader.batch.size", unit: "{key}", description: "Keys fetched per DataLoader batch");

    /// <summary>Checkouts by outcome: placed, then Succeeded / RequiresAction / Declined from the gateway.</summary>
    public static readonly Counter<long> CheckoutOutcomes =
        Meter.CreateCounter<long>("checkout.outcomes", unit: "{checkout}", description: "Checkouts by outcome");

    /// <summary>Live event subscriptions (hub subscribers) on this instance: what fan-out costs, and when a client is attached.</summary>
    public static readonly UpDownCounter<int> EventSubscribers =
        Meter.CreateUpDownCounter<int>("events.subscribers", unit: "{subscription}", description: "Live event subscriptions on this instance");

    /// <summary>Searches the database answered because Typesense could not (timeout, error, open circuit), by reason.</summary>
    public static readonly Counter<long> SearchFallbacks =
        Meter.CreateCounter<long>("search.fallbacks", unit: "{search}", description: "Searches answered by the database engine because Typesense was unavailable");
}
