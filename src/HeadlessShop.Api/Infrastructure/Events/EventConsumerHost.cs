using Microsoft.Extensions.Options;

namespace HeadlessShop.Api.Infrastructure.Events;

/// <summary>
/// A durable reader of the event stream (search indexer, order expiry, …). Each consumer is its own group: it sees
/// every event at least once, so <see cref="HandleAsync"/> must be idempotent (use <see cref="EventEnvelope.Id"/>).
/// Throwing means "not handled": the event comes back after a backoff and goes to the dead-letter stream after
/// <see cref="EventsOptions.MaxAttempts"/> attempts.
/// </summary>
public interface IEventConsumer
{
    string Group { get; }

    Task HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken);
}

/// <summary>Bound from the <c>Events</c> section.</summary>
public sealed class EventsOptions
{
    public const string SectionName = "Events";

    /// <summary>Deliveries of one event to one consumer before it is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait before the second delivery; doubles per attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest a reader sleeps without a wake-up (wake-ups normally arrive at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the outbox relay looks for committed rows when nobody told it about them.</summary>
    public TimeSpan RelayInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>False: this instance never relays the outbox (another instance does; several may, one at a time).</summary>
    public bool Relay { get; set; } = true;

    /// <summary>
    /// Fault injection for crash tests: the relay waits this long after publishing a batch and before marking it sent
    /// (holding the relay lock), so a kill lands deterministically in that window. Zero (the default) in production.
    /// </summary>
    public TimeSpan RelayHoldAfterPublish { get; set; } = TimeSpan.Zero;

    /// <summary>Published outbox rows are deleted after this long.</summary>
    public TimeSpan OutboxRetention { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan Backoff(int attempt) =>
        TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, RetryDelay.Ticks * (1L << Math.Clamp(attempt - 1, 0, 20))));
}

/// <summary>Runs every registered <see cref="IEventConsumer"/> against the bus until the host stops.</summary>
public sealed partial class EventConsumerHost(
    IEnumerable<IEventConsumer> consumers,
    IEventBus bus,
    IOptions<EventsOptions> options,
    ILogger<EventConsumerHost> logger) : BackgroundService
{
    private const int BatchSize = 50;

    /// <summary>This process's name inside each group; pending events of a crashed process are claimed by others.</summary>
    private readonly string _consumerName = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(consumers.Select(c => RunAsync(c, stoppingToken)));

    internal async Task RunAsync(IEventConsumer consumer, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var batch = await bus.ReadAsync(consumer.Group, _consumerName, BatchSize, settings.Backoff, stoppingToken);
                foreach (var delivery in batch)
                {
                    await HandleAsync(consumer, delivery, settings, stoppingToken);
                }
                if (batch.Count == 0)
                {
                    await bus.WaitForPublishAsync(settings.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
            {
                LogBusUnavailable(consumer.Group, ex);
                await Task.Delay(settings.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task HandleAsync(IEventConsumer consumer, DeliveredEvent delivery, EventsOptions settings, CancellationToken stoppingToken)
    {
        try
        {
            await consumer.HandleAsync(delivery.Event, stoppingToken);
        }
#pragma warning disable CA1031 // A consumer's failure of any kind is recorded and retried; it must not stop the loop.
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            if (delivery.Attempt >= settings.MaxAttempts)
            {
                LogDeadLettered(consumer.Group, delivery.Event.Type, delivery.Event.Id, delivery.Attempt, ex);
                await bus.DeadLetterAsync(consumer.Group, delivery, $"{ex.GetType().Name}: {ex.Message}", stoppingToken);
            }
            else
            {
                LogRetry(consumer.Group, delivery.Event.Type, delivery.Event.Id, delivery.Attempt, ex);
            }
            return;
        }
        await bus.AcknowledgeAsync(consumer.Group, delivery.DeliveryId, stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer {Group} failed on {Type} {EventId} (attempt {Attempt}); it will be retried")]
    private partial void LogRetry(string group, string type, string eventId, int attempt, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Consumer {Group} gave up on {Type} {EventId} after {Attempt} attempts; moved to the dead-letter stream")]
    private partial void LogDeadLettered(string group, string type, string eventId, int attempt, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event stream unavailable for consumer {Group}; retrying")]
    private partial void LogBusUnavailable(string group, Exception exception);
}
