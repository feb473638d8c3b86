using System.Threading.Channels;

namespace HeadlessShop.Api.Infrastructure.Events;

/// <summary>
/// This instance's fan-out of the event stream to its live subscriptions: one follower of the stream per process,
/// then a bounded queue per subscriber. A subscriber that stops reading is cut off when its queue is full
/// (<see cref="SubscriberTooSlowException"/>) instead of making the process buffer without limit; the others are
/// unaffected. Every instance runs its own hub, so a change made through any instance reaches subscribers on all.
/// </summary>
public sealed partial class EventHub(
    IEventBus bus, ILogger<EventHub> logger, IEnumerable<IEventRoute>? routes = null, IEnumerable<IEventObserver>? observers = null) : BackgroundService
{
    private readonly IEventRoute[] _routes = [.. routes ?? []];
    private readonly IEventObserver[] _observers = [.. observers ?? []];

    /// <summary>Events a subscriber may have queued before it is considered too slow.</summary>
    public const int SubscriberBuffer = 256;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Subscriber>> _byKey = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _following = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the hub follows the stream: events published after this are delivered.</summary>
    public Task Ready => _following.Task;

    /// <summary>
    /// Events about <paramref name="key"/> from now on, in stream order, until <paramref name="cancellationToken"/>
    /// ends the subscription. Throws <see cref="SubscriberTooSlowException"/> from the enumeration when cut off.
    /// </summary>
    public async IAsyncEnumerable<EventEnvelope> SubscribeAsync(string key, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subscriber = new Subscriber(key);
        lock (_gate)
        {
            if (!_byKey.TryGetValue(key, out var list))
            {
                _byKey[key] = list = [];
            }
            list.Add(subscriber);
        }
        ShopMetrics.EventSubscribers.Add(1);
        // Leaving frees the slot at once (cancellation callbacks run inside Cancel), not when the reader next wakes.
        using var leave = cancellationToken.Register(() => Remove(subscriber));
        try
        {
            await foreach (var envelope in subscriber.Queue.Reader.ReadAllAsync(cancellationToken))
            {
                yield return envelope;
            }
        }
        finally
        {
            Remove(subscriber);
        }
    }

    /// <summary>Live subscriptions on this instance (metrics, tests).</summary>
    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _byKey.Values.Sum(l => l.Count);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var position = await bus.GetTailAsync(stoppingToken);
                Observe(true);
                _following.TrySetResult();
                await foreach (var envelope in bus.FollowAsync(position, stoppingToken))
                {
                    Dispatch(envelope);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Redis outages must not end fan-out for good: follow again from the new tail.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Observe(false);
                LogFollowFailed(ex);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        Observe(false);
        CompleteAll();
    }

    private void Observe(bool following)
    {
        foreach (var observer in _observers)
        {
            observer.OnFollowing(following);
        }
    }

    private void Dispatch(EventEnvelope envelope)
    {
        foreach (var observer in _observers)
        {
            observer.OnEvent(envelope);
        }
        List<Subscriber> targets = [];
        var extraKeys = _routes.Length == 0 ? [] : _routes.SelectMany(r => r.KeysOf(envelope)).ToList();
        lock (_gate)
        {
            if (_byKey.TryGetValue(envelope.Key, out var list))
            {
                targets.AddRange(list);
            }
            foreach (var key in extraKeys)
            {
                if (_byKey.TryGetValue(key, out var routed))
                {
                    targets.AddRange(routed);
                }
            }
            if (targets.Count == 0)
            {
                return;
            }
        }
        foreach (var subscriber in targets)
        {
            if (!subscriber.Queue.Writer.TryWrite(envelope))
            {
                subscriber.Queue.Writer.TryComplete(new SubscriberTooSlowException(SubscriberBuffer));
                Remove(subscriber);
                LogCutOff(subscriber.Key);
            }
        }
    }

    private void Remove(Subscriber subscriber)
    {
        lock (_gate)
        {
            if (!_byKey.TryGetValue(subscriber.Key, out var list) || !list.Remove(subscriber))
            {
                return;
            }
            if (list.Count == 0)
            {
                _byKey.Remove(subscriber.Key);
            }
        }
        ShopMetrics.EventSubscribers.Add(-1);
    }

    /// <summary>On shutdown every subscription ends normally, so transports can close their sockets cleanly.</summary>
    private void CompleteAll()
    {
        lock (_gate)
        {
            foreach (var subscriber in _byKey.Values.SelectMany(l => l))
            {
                subscriber.Queue.Writer.TryComplete();
                ShopMetrics.EventSubscribers.Add(-1);
            }
            _byKey.Clear();
        }
    }

    private sealed class Subscriber(string key)
    {
        public string Key { get; } = key;

        public Channel<EventEnvelope> Queue { get; } = Channel.CreateBounded<EventEnvelope>(
            new BoundedChannelOptions(SubscriberBuffer) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event fan-out lost the stream; following again")]
    private partial void LogFollowFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cut off a subscriber of {Key}: it fell behind by the whole buffer")]
    private partial void LogCutOff(string key);
}

/// <summary>
/// Further keys an event is fanned out under besides its own, e.g. an order's status change also reaches the feed of
/// the customer who owns the order. Runs once per event per instance, on the hub's dispatch loop: keep it cheap.
/// </summary>
public interface IEventRoute
{
    IEnumerable<string> KeysOf(EventEnvelope envelope);
}

/// <summary>
/// Something of this instance that must see every event of the stream, e.g. an in-process cache that drops what an
/// event says changed. Runs on the hub's dispatch loop: keep it cheap and never throw.
/// </summary>
public interface IEventObserver
{
    /// <summary>
    /// The hub starts following the stream from its tail (true) or has lost it (false). Either way events may have
    /// been missed in between, so whatever depends on seeing all of them must start over.
    /// </summary>
    void OnFollowing(bool following);

    void OnEvent(EventEnvelope envelope);
}

/// <summary>A subscriber fell behind by a whole buffer and was disconnected; it may subscribe again.</summary>
public sealed class SubscriberTooSlowException(int buffer)
    : Exception($"The subscriber fell {buffer} events behind and was disconnected; subscribe again to continue.");
