using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HeadlessShop.Api.Infrastructure.Events;

/// <summary>
/// An event written in the same transaction as the change it describes (transactional outbox), so an event exists
/// exactly when its change committed. <see cref="OutboxRelay"/> publishes it to the stream afterwards.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public required string Type { get; set; }
    public required string Key { get; set; }
    public required string Payload { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? PublishedAt { get; set; }

    public EventEnvelope ToEnvelope() =>
        new("outbox-" + Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Type, Key, Payload, new DateTimeOffset(CreatedAt, TimeSpan.Zero));
}

public sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("outbox_messages");
        builder.Property(m => m.Type).HasMaxLength(100);
        builder.Property(m => m.Key).HasMaxLength(200);
        // The relay's only question is "what is not published yet, oldest first": a small partial index answers it.
        builder.HasIndex(m => m.Id).HasFilter("published_at IS NULL").HasDatabaseName("ix_outbox_messages_unpublished");
        builder.HasIndex(m => m.PublishedAt);
    }
}

public static class OutboxExtensions
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Adds an event to the context's pending changes: it commits or rolls back with them. Call
    /// <see cref="OutboxSignal.Notify"/> after the commit to publish it at once instead of at the relay's next poll.
    /// </summary>
    public static OutboxMessage EnqueueEvent<TPayload>(this DbContext db, string type, string key, TPayload payload, DateTime createdAt)
    {
        ArgumentNullException.ThrowIfNull(db);
        var message = new OutboxMessage
        {
            Type = type,
            Key = key,
            Payload = JsonSerializer.Serialize(payload, Json),
            CreatedAt = createdAt,
        };
        db.Set<OutboxMessage>().Add(message);
        return message;
    }
}
