namespace HeadlessShop.Api.Infrastructure.Events;

/// <summary>
/// The event stream between the outbox relay and the consumers: a Redis Stream in Production, an in-memory log in
/// Embedded mode. Both implementations pass one contract test suite.
/// <list type="bullet">
/// <item>Consumer groups are durable and at-least-once: a delivered event stays pending until it is acknowledged;
/// an unacknowledged one is delivered again (with a higher <see cref="DeliveredEvent.Attempt"/>) once its backoff has
/// passed; a group that gives up moves it to the dead-letter stream.</item>
/// <item><see cref="FollowAsync"/> is the non-durable fan-out every API instance uses for subscriptions: each
/// follower sees every event published after the position it started from, in stream order.</item>
/// </list>
/// </summary>
public interface IEventBus
{
    /// <summary>Appends the event and wakes readers. Returns the stream's id for it.</summary>
    Task<string> PublishAsync(EventEnvelope envelope, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="count"/> events for <paramref name="group"/>: first those delivered before and not
    /// acknowledged whose backoff (<paramref name="retryBackoff"/> of the attempt just made) has passed, then new ones.
    /// Creates the group on first use, starting at the end of the stream.
    /// </summary>
    Task<IReadOnlyList<DeliveredEvent>> ReadAsync(string group, string consumer, int count, Func<int, TimeSpan> retryBackoff, CancellationToken cancellationToken);

    /// <summary>Marks a delivery handled: it is never delivered to this group again.</summary>
    Task AcknowledgeAsync(string group, string deliveryId, CancellationToken cancellationToken);

    /// <summary>Moves a delivery to the dead-letter stream with the last error, and acknowledges it.</summary>
    Task DeadLetterAsync(string group, DeliveredEvent delivery, string error, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(int count, CancellationToken cancellationToken);

    /// <summary>
    /// Publishes a dead letter again for the group that gave up on it only (other groups already handled it) and
    /// removes it from the dead-letter stream. False when no such dead letter exists.
    /// </summary>
    Task<bool> ReplayAsync(string deadLetterId, CancellationToken cancellationToken);

    /// <summary>The position of the newest event: follow from here to see only what is published from now on.</summary>
    Task<string> GetTailAsync(CancellationToken cancellationToken);

    /// <summary>Every event published after <paramref name="position"/> (from <see cref="GetTailAsync"/>), in order, until cancelled.</summary>
    IAsyncEnumerable<EventEnvelope> FollowAsync(string position, CancellationToken cancellationToken);

    /// <summary>Completes when something may have been published, or after <paramref name="timeout"/>.</summary>
    Task WaitForPublishAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
