namespace HeadlessShop.Api.Infrastructure.Events;

/// <summary>
/// One domain event on the stream. <see cref="Id"/> is unique per event (the outbox row id for events that come from
/// the outbox) and lets consumers drop the duplicates an at-least-once relay can produce. <see cref="Key"/> names
/// the aggregate the event is about (e.g. an order's global id); <see cref="Payload"/> is its JSON body.
/// </summary>
public sealed record EventEnvelope(string Id, string Type, string Key, string Payload, DateTimeOffset OccurredAt);

/// <summary>An event delivered to a consumer group, with how many times it has been delivered so far (1 = first).</summary>
public sealed record DeliveredEvent(string DeliveryId, EventEnvelope Event, int Attempt);

/// <summary>An event a consumer group gave up on after its attempts ran out, kept for inspection and replay.</summary>
public sealed record DeadLetter(string DeadLetterId, string Group, EventEnvelope Event, int Attempts, string Error, DateTimeOffset DeadAt);
