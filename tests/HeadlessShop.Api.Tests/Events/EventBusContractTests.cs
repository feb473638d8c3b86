using HeadlessShop.Api.Infrastructure;
using HeadlessShop.Api.Infrastructure.Events;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HeadlessShop.Api.Tests.Events;

/// <summary>One contract for both event streams: groups, retries, dead letters, replay and fan-out.</summary>
public abstract class EventBusContractTests : IAsyncLifetime
{
    private static readonly Func<int, TimeSpan> NoRetryYet = _ => TimeSpan.FromHours(1);
    private static readonly Func<int, TimeSpan> RetryNow = _ => TimeSpan.Zero;

    protected IEventBus Bus { get; private set; } = null!;

    protected abstract Task<IEventBus> CreateBusAsync();

    public async Task InitializeAsync() => Bus = await CreateBusAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static EventEnvelope Event(int n) => new($"e-{n}", "test.happened", $"key-{n % 3}", $$"""{"n":{{n}}}""", DateTimeOffset.UnixEpoch.AddSeconds(n));

    private async Task PublishAsync(int from, int count)
    {
        for (var n = from; n < from + count; n++)
        {
            await Bus.PublishAsync(Event(n), CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_group_gets_every_event_in_order_and_never_again_once_acknowledged()
    {
        await PublishAsync(0, 10);

        var first = await Bus.ReadAsync("g", "c1", 100, NoRetryYet, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 10).Select(Event), first.Select(d => d.Event));
        Assert.All(first, d => Assert.Equal(1, d.Attempt));
        foreach (var delivery in first)
        {
            await Bus.AcknowledgeAsync("g", delivery.DeliveryId, CancellationToken.None);
        }

        Assert.Empty(await Bus.ReadAsync("g", "c1", 100, RetryNow, CancellationToken.None));
    }

    [Fact]
    public async Task An_unacknowledged_event_comes_back_only_after_its_backoff_with_the_next_attempt_number()
    {
        await PublishAsync(0, 1);
        var first = Assert.Single(await Bus.ReadAsync("g", "c1", 10, NoRetryYet, CancellationToken.None));

        Assert.Empty(await Bus.ReadAsync("g", "c1", 10, NoRetryYet, CancellationToken.None));
        var attempts = new List<int>();
        var second = Assert.Single(await Bus.ReadAsync("g", "c2", 10, a => { attempts.Add(a); return TimeSpan.Zero; }, CancellationToken.None));
        var third = Assert.Single(await Bus.ReadAsync("g", "c1", 10, RetryNow, CancellationToken.None));

        Assert.Equal([1], attempts);
        Assert.Equal(first.Event, second.Event);
        Assert.Equal((1, 2, 3), (first.Attempt, second.Attempt, third.Attempt));
        Assert.Equal(first.DeliveryId, third.DeliveryId);
    }

    [Fact]
    public async Task Every_group_gets_every_event_including_those_published_before_it_existed()
    {
        await PublishAsync(0, 5);

        var a = await Bus.ReadAsync("a", "c", 100, NoRetryYet, CancellationToken.None);
        var b = await Bus.ReadAsync("b", "c", 100, NoRetryYet, CancellationToken.None);

        Assert.Equal(5, a.Count);
        Assert.Equal(a.Select(d => d.Event), b.Select(d => d.Event));
    }

    [Fact]
    public async Task Concurrent_consumers_of_one_group_split_the_events_without_overlap()
    {
        const int total = 200;
        await PublishAsync(0, total);
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();

        async Task ConsumeAsync(string consumer)
        {
            for (var round = 0; round < total; round++)
            {
                var batch = await Bus.ReadAsync("g", consumer, 7, NoRetryYet, CancellationToken.None);
                if (batch.Count == 0)
                {
                    return;
                }
                foreach (var delivery in batch)
                {
                    seen.Add(delivery.Event.Id);
                    await Bus.AcknowledgeAsync("g", delivery.DeliveryId, CancellationToken.None);
                }
            }
        }

        await Task.WhenAll(ConsumeAsync("c1"), ConsumeAsync("c2"), ConsumeAsync("c3"));

        Assert.Equal(total, seen.Count);
        Assert.Equal(total, seen.Distinct().Count());
    }

    [Fact]
    public async Task A_dead_letter_is_listed_and_its_replay_reaches_only_the_group_that_gave_up_once()
    {
        await PublishAsync(7, 1);
        var forA = Assert.Single(await Bus.ReadAsync("a", "c", 10, NoRetryYet, CancellationToken.None));
        var forB = Assert.Single(await Bus.ReadAsync("b", "c", 10, NoRetryYet, CancellationToken.None));
        await Bus.AcknowledgeAsync("b", forB.DeliveryId, CancellationToken.None);

        await Bus.DeadLetterAsync("a", forA with { Attempt = 5 }, "InvalidOperationException: boom", CancellationToken.None);

        var letter = Assert.Single(await Bus.ListDeadLettersAsync(10, CancellationToken.None));
        Assert.Equal(("a", 5, "InvalidOperationException: boom"), (letter.Group, letter.Attempts, letter.Error));
        Assert.Equal(Event(7), letter.Event);
        Assert.Empty(await Bus.ReadAsync("a", "c", 10, RetryNow, CancellationToken.None));

        Assert.True(await Bus.ReplayAsync(letter.DeadLetterId, CancellationToken.None));
        Assert.False(await Bus.ReplayAsync(letter.DeadLetterId, CancellationToken.None));

        var replayed = Assert.Single(await Bus.ReadAsync("a", "c", 10, NoRetryYet, CancellationToken.None));
        Assert.Equal((Event(7), 1), (replayed.Event, replayed.Attempt));
        Assert.Empty(await Bus.ReadAsync("b", "c", 10, RetryNow, CancellationToken.None));
        Assert.Empty(await Bus.ListDeadLettersAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task A_follower_sees_exactly_the_events_published_after_its_position_in_order()
    {
        await PublishAsync(0, 3);
        var tail = await Bus.GetTailAsync(CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new List<EventEnvelope>();
        var following = Task.Run(async () =>
        {
            await foreach (var envelope in Bus.FollowAsync(tail, timeout.Token))
            {
                received.Add(envelope);
                if (received.Count == 20)
                {
                    return;
                }
            }
        });

        await PublishAsync(100, 20);
        await following;

        Assert.Equal(Enumerable.Range(100, 20).Select(Event), received);
    }

    [Fact]
    public async Task A_follower_does_not_see_replays_meant_for_one_group()
    {
        await PublishAsync(1, 1);
        var delivery = Assert.Single(await Bus.ReadAsync("a", "c", 10, NoRetryYet, CancellationToken.None));
        await Bus.DeadLetterAsync("a", delivery, "boom", CancellationToken.None);
        var tail = await Bus.GetTailAsync(CancellationToken.None);
        var letter = Assert.Single(await Bus.ListDeadLettersAsync(10, CancellationToken.None));
        await Bus.ReplayAsync(letter.DeadLetterId, CancellationToken.None);
        await PublishAsync(2, 1);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var follower = Bus.FollowAsync(tail, timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.True(await follower.MoveNextAsync());
        Assert.Equal(Event(2), follower.Current);
    }

    [Fact]
    public async Task A_poison_event_is_dead_lettered_after_five_attempts_and_handled_once_after_replay()
    {
        var watched = new WatchedBus(Bus);
        var consumer = new FlakyConsumer { Broken = true };
        var options = Options.Create(new EventsOptions
        {
            MaxAttempts = 5,
            RetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(5),
            PollInterval = TimeSpan.FromMilliseconds(20),
        });
        var host = new EventConsumerHost([consumer], watched, options, NullLogger<EventConsumerHost>.Instance);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var running = host.RunAsync(consumer, stop.Token);

        await PublishAsync(42, 1);
        var letter = await watched.DeadLettered.Task.WaitAsync(stop.Token);
        Assert.Equal(5, consumer.Attempts);
        Assert.Equal(5, letter.Attempt);
        var listed = Assert.Single(await Bus.ListDeadLettersAsync(10, CancellationToken.None));
        Assert.Contains("consumer is broken", listed.Error, StringComparison.Ordinal);

        consumer.Broken = false;
        Assert.True(await Bus.ReplayAsync(listed.DeadLetterId, CancellationToken.None));
        await watched.Acknowledged.Task.WaitAsync(stop.Token);
        await stop.CancelAsync();
        await running;

        Assert.Equal([Event(42)], consumer.Handled);
        Assert.Equal(6, consumer.Attempts);
        Assert.Empty(await Bus.ReadAsync(consumer.Group, "after", 10, RetryNow, CancellationToken.None));
        Assert.Empty(await Bus.ListDeadLettersAsync(10, CancellationToken.None));
    }

    private sealed class FlakyConsumer : IEventConsumer
    {
        public string Group => "flaky";
        public volatile bool Broken;
        public int Attempts;
        public List<EventEnvelope> Handled { get; } = [];

        public Task HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Attempts);
            if (Broken)
            {
                throw new InvalidOperationException("consumer is broken");
            }
            Handled.Add(envelope);
            return Task.CompletedTask;
        }
    }

    /// <summary>Passes everything through and signals dead letters and acknowledgements, so tests wait on signals.</summary>
    private sealed class WatchedBus(IEventBus inner) : IEventBus
    {
        public TaskCompletionSource<DeliveredEvent> DeadLettered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Acknowledged { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> PublishAsync(EventEnvelope envelope, CancellationToken cancellationToken) => inner.PublishAsync(envelope, cancellationToken);

        public Task<IReadOnlyList<DeliveredEvent>> ReadAsync(string group, string consumer, int count, Func<int, TimeSpan> retryBackoff, CancellationToken cancellationToken) =>
            inner.ReadAsync(group, consumer, count, retryBackoff, cancellationToken);

        public async Task AcknowledgeAsync(string group, string deliveryId, CancellationToken cancellationToken)
        {
            await inner.AcknowledgeAsync(group, deliveryId, cancellationToken);
            Acknowledged.TrySetResult();
        }

        public async Task DeadLetterAsync(string group, DeliveredEvent delivery, string error, CancellationToken cancellationToken)
        {
            await inner.DeadLetterAsync(group, delivery, error, cancellationToken);
            DeadLettered.TrySetResult(delivery);
        }

        public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(int count, CancellationToken cancellationToken) => inner.ListDeadLettersAsync(count, cancellationToken);

        public Task<bool> ReplayAsync(string deadLetterId, CancellationToken cancellationToken) => inner.ReplayAsync(deadLetterId, cancellationToken);

        public Task<string> GetTailAsync(CancellationToken cancellationToken) => inner.GetTailAsync(cancellationToken);

        public IAsyncEnumerable<EventEnvelope> FollowAsync(string position, CancellationToken cancellationToken) => inner.FollowAsync(position, cancellationToken);

        public Task WaitForPublishAsync(TimeSpan timeout, CancellationToken cancellationToken) => inner.WaitForPublishAsync(timeout, cancellationToken);
    }
}

public sealed class InMemoryEventBusTests : EventBusContractTests
{
    protected override Task<IEventBus> CreateBusAsync() => Task.FromResult<IEventBus>(new InMemoryEventBus(TimeProvider.System));
}

public sealed class RedisEventBusTests : EventBusContractTests
{
    private readonly string _prefix = $"hs-test:{Guid.NewGuid():N}:";
    private ConnectionMultiplexer? _redis;
    private RedisEventBus? _bus;

    protected override async Task<IEventBus> CreateBusAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.ConnectionString);
        _bus = new RedisEventBus(_redis, Options.Create(new RedisOptions { KeyPrefix = _prefix }), TimeProvider.System);
        return _bus;
    }

    public override async Task DisposeAsync()
    {
        if (_bus is not null)
        {
            await _bus.DisposeAsync();
        }
        if (_redis is not null)
        {
            await _redis.GetDatabase().KeyDeleteAsync([_prefix + "events", _prefix + "events:dead"]);
            await _redis.DisposeAsync();
        }
    }
}
