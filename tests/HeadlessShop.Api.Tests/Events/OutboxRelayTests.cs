using HeadlessShop.Api.Data;
using HeadlessShop.Api.Infrastructure.Events;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HeadlessShop.Api.Tests.Events;

/// <summary>The transactional outbox on PostgreSQL: only committed changes publish, in order, at least once.</summary>
public sealed class OutboxRelayTests : IAsyncLifetime
{
    private PostgresTestDatabase _database = null!;
    private PooledDbContextFactory<ShopDbContext> _contexts = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        var options = new DbContextOptionsBuilder<ShopDbContext>()
            .UseNpgsql(_database.ConnectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention()
            .Options;
        _contexts = new PooledDbContextFactory<ShopDbContext>(options);
        await using var db = await _contexts.CreateDbContextAsync();
        await db.Database.MigrateAsync();
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private OutboxRelay Relay(IEventBus bus) => new(
        _contexts, bus, new OutboxSignal(), Options.Create(new EventsOptions()), TimeProvider.System, NullLogger<OutboxRelay>.Instance);

    private async Task EnqueueAsync(int from, int count, bool commit)
    {
        await using var db = await _contexts.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        for (var n = from; n < from + count; n++)
        {
            db.EnqueueEvent("test.happened", $"order-{n % 4}", new { n }, DateTime.UtcNow);
        }
        await db.SaveChangesAsync();
        if (commit)
        {
            await transaction.CommitAsync();
        }
    }

    private static async Task<List<DeliveredEvent>> DrainAsync(IEventBus bus)
    {
        var all = new List<DeliveredEvent>();
        for (var round = 0; round < 1000; round++)
        {
            var batch = await bus.ReadAsync("check", "c", 500, _ => TimeSpan.FromHours(1), CancellationToken.None);
            if (batch.Count == 0)
            {
                break;
            }
            all.AddRange(batch);
        }
        return all;
    }

    private async Task<int> UnpublishedAsync()
    {
        await using var db = await _contexts.CreateDbContextAsync();
        return await db.Set<OutboxMessage>().CountAsync(m => m.PublishedAt == null);
    }

    [Fact]
    public async Task Only_committed_rows_are_published_in_commit_order_and_each_is_marked()
    {
        var bus = new InMemoryEventBus(TimeProvider.System);
        await EnqueueAsync(0, 3, commit: true);
        await EnqueueAsync(3, 2, commit: false);
        await EnqueueAsync(5, 3, commit: true);

        Assert.Equal(6, await Relay(bus).RelayBatchAsync(CancellationToken.None));
        Assert.Equal(0, await Relay(bus).RelayBatchAsync(CancellationToken.None));

        var published = await DrainAsync(bus);
        Assert.Equal([0, 1, 2, 5, 6, 7], published.Select(d => int.Parse(d.Event.Payload[5..^1], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(0, await UnpublishedAsync());
    }

    [Fact]
    public async Task A_relay_killed_between_publish_and_mark_publishes_again_and_consumers_see_each_event_once_by_id()
    {
        await EnqueueAsync(0, 5, commit: true);
        var bus = new InMemoryEventBus(TimeProvider.System);

        // The process dies after two events reached the stream but before the rows were marked published.
        await Assert.ThrowsAsync<OperationCanceledException>(() => Relay(new DyingBus(bus, survivePublishes: 2)).RelayBatchAsync(CancellationToken.None));
        Assert.Equal(5, await UnpublishedAsync());

        Assert.Equal(5, await Relay(bus).RelayBatchAsync(CancellationToken.None));

        var delivered = await DrainAsync(bus);
        Assert.Equal(7, delivered.Count);
        var seen = new HashSet<string>();
        var handled = delivered.Where(d => seen.Add(d.Event.Id)).Select(d => d.Event.Payload).ToList();
        Assert.Equal(Enumerable.Range(0, 5).Select(n => $$"""{"n":{{n}}}"""), handled);
        Assert.Equal(0, await UnpublishedAsync());
    }

    [Fact]
    public async Task Two_instances_relaying_at_once_publish_every_row_once_in_order()
    {
        await EnqueueAsync(0, 350, commit: true);
        var bus = new InMemoryEventBus(TimeProvider.System);
        var first = Relay(bus);
        var second = Relay(bus);

        async Task RunAsync(OutboxRelay relay)
        {
            for (var round = 0; round < 200 && await UnpublishedAsync() > 0; round++)
            {
                await relay.RelayBatchAsync(CancellationToken.None);
            }
        }

        await Task.WhenAll(RunAsync(first), RunAsync(second));

        var ids = (await DrainAsync(bus)).Select(d => long.Parse(d.Event.Id["outbox-".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(350, ids.Count);
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(350, ids.Distinct().Count());
    }

    /// <summary>Lets a few publishes through, then dies the way a killed process does: mid-batch, nothing committed.</summary>
    private sealed class DyingBus(IEventBus inner, int survivePublishes) : IEventBus
    {
        private int _left = survivePublishes;

        public Task<string> PublishAsync(EventEnvelope envelope, CancellationToken cancellationToken) =>
            _left-- > 0 ? inner.PublishAsync(envelope, cancellationToken) : throw new OperationCanceledException("killed");

        public Task<IReadOnlyList<DeliveredEvent>> ReadAsync(string group, string consumer, int count, Func<int, TimeSpan> retryBackoff, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task AcknowledgeAsync(string group, string deliveryId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task DeadLetterAsync(string group, DeliveredEvent delivery, string error, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(int count, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> ReplayAsync(string deadLetterId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<string> GetTailAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public IAsyncEnumerable<EventEnvelope> FollowAsync(string position, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task WaitForPublishAsync(TimeSpan timeout, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
