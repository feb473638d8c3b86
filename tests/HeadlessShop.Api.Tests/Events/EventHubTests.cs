using HeadlessShop.Api.Infrastructure;
using HeadlessShop.Api.Infrastructure.Events;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HeadlessShop.Api.Tests.Events;

/// <summary>Fan-out across instances (two Redis connections, two hubs) and backpressure per subscriber.</summary>
public sealed class EventHubTests : IAsyncLifetime
{
    private readonly string _prefix = $"hs-test:{Guid.NewGuid():N}:";
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(30));
    private readonly List<IAsyncDisposable> _disposables = [];
    private readonly List<EventHub> _hubs = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var hub in _hubs)
        {
            await hub.StopAsync(CancellationToken.None);
            hub.Dispose();
        }
        foreach (var disposable in _disposables)
        {
            await disposable.DisposeAsync();
        }
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.ConnectionString);
        await redis.GetDatabase().KeyDeleteAsync(_prefix + "events");
        _stop.Dispose();
    }

    /// <summary>One API instance's view: its own Redis connection, bus and hub.</summary>
    private async Task<(RedisEventBus Bus, EventHub Hub)> InstanceAsync()
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.ConnectionString);
        var bus = new RedisEventBus(redis, Options.Create(new RedisOptions { KeyPrefix = _prefix }), TimeProvider.System);
        _disposables.Add(bus);
        _disposables.Add(redis);
        var hub = new EventHub(bus, NullLogger<EventHub>.Instance);
        _hubs.Add(hub);
        await hub.StartAsync(CancellationToken.None);
        await hub.Ready.WaitAsync(_stop.Token);
        return (bus, hub);
    }

    private static EventEnvelope Event(string key, int n) => new($"{key}-{n}", "order.status_changed", key, $$"""{"n":{{n}}}""", DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task A_subscriber_on_one_instance_gets_in_order_only_its_keys_events_published_through_another()
    {
        var a = await InstanceAsync();
        var b = await InstanceAsync();
        await using var subscription = a.Hub.SubscribeAsync("order-1", _stop.Token).GetAsyncEnumerator(_stop.Token);
        var first = subscription.MoveNextAsync();
        Assert.Equal(1, a.Hub.SubscriberCount);

        for (var n = 0; n < 5; n++)
        {
            await b.Bus.PublishAsync(Event("order-2", n), CancellationToken.None);
            await b.Bus.PublishAsync(Event("order-1", n), CancellationToken.None);
        }

        var received = new List<EventEnvelope>();
        Assert.True(await first);
        received.Add(subscription.Current);
        while (received.Count < 5)
        {
            Assert.True(await subscription.MoveNextAsync());
            received.Add(subscription.Current);
        }
        Assert.Equal(Enumerable.Range(0, 5).Select(n => Event("order-1", n)), received);
    }

    [Fact]
    public async Task A_subscriber_that_stops_reading_is_cut_off_and_the_others_get_everything()
    {
        var instance = await InstanceAsync();
        var total = EventHub.SubscriberBuffer + 20;
        await using var slow = instance.Hub.SubscribeAsync("hot", _stop.Token).GetAsyncEnumerator(_stop.Token);
        await using var fast = instance.Hub.SubscribeAsync("hot", _stop.Token).GetAsyncEnumerator(_stop.Token);
        var fastFirst = fast.MoveNextAsync();
        var slowFirst = slow.MoveNextAsync();
        Assert.Equal(2, instance.Hub.SubscriberCount);

        var fastReceived = 0;
        var reading = Task.Run(async () =>
        {
            if (await fastFirst)
            {
                fastReceived++;
                while (fastReceived < total && await fast.MoveNextAsync())
                {
                    fastReceived++;
                }
            }
        });
        for (var n = 0; n < total; n++)
        {
            await instance.Bus.PublishAsync(Event("hot", n), CancellationToken.None);
        }
        await reading.WaitAsync(_stop.Token);

        Assert.Equal(total, fastReceived);
        Assert.Equal(1, instance.Hub.SubscriberCount);
        // The slow one still gets what was buffered for it, then learns it was cut off.
        var slowReceived = await slowFirst ? 1 : 0;
        var error = await Assert.ThrowsAsync<SubscriberTooSlowException>(async () =>
        {
            while (await slow.MoveNextAsync())
            {
                slowReceived++;
            }
        });
        // Its pending first read took one event straight away; the buffer held the next SubscriberBuffer.
        Assert.Equal(EventHub.SubscriberBuffer + 1, slowReceived);
        Assert.Contains("subscribe again", error.Message, StringComparison.Ordinal);
    }
}
