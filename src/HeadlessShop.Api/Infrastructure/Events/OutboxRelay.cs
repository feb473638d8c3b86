using HeadlessShop.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HeadlessShop.Api.Infrastructure.Events;

/// <summary>Wakes the relay right after a commit that wrote outbox rows; without it the relay polls.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up covers every row committed so far.
        }
    }

    internal Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _pending.WaitAsync(timeout, cancellationToken);
}

/// <summary>
/// Moves committed outbox rows to the event stream in id order and marks them published: at-least-once (a crash
/// between publish and mark publishes the row again after restart; consumers drop duplicates by event id).
/// With several API instances, a PostgreSQL advisory lock lets one relay at a time, which keeps the order.
/// </summary>
public sealed partial class OutboxRelay(
    IDbContextFactory<ShopDbContext> contexts,
    IEventBus bus,
    OutboxSignal signal,
    IOptions<EventsOptions> options,
    TimeProvider time,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    internal const int BatchSize = 100;

    /// <summary>Arbitrary but fixed: every instance must take the same advisory lock (tests hold it to stall relays).</summary>
    public const long RelayLockKey = 0x48535f4f5554424f; // "HS_OUTBO"

    private DateTime _lastCleanup;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Relay)
        {
            LogRelayOff();
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RelayBatchAsync(stoppingToken) == BatchSize)
                {
                    // A full batch: more are probably waiting.
                }
                await CleanUpAsync(stoppingToken);
                await signal.WaitAsync(options.Value.RelayInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The relay must outlive outages of the database or Redis; it logs and tries again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogRelayFailed(ex);
                await Task.Delay(options.Value.RelayInterval * 4, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Publishes up to one batch; returns how many rows it published (0 when another instance holds the lock).</summary>
    public async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql())
        {
            var locked = await db.Database
                .SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({RelayLockKey}) AS \"Value\"")
                .SingleAsync(cancellationToken);
            if (!locked)
            {
                return 0;
            }
        }
        var batch = await db.Set<OutboxMessage>()
            .AsTracking()
            .Where(m => m.PublishedAt == null)
            .OrderBy(m => m.Id)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var message in batch)
        {
            await bus.PublishAsync(message.ToEnvelope(), cancellationToken);
            message.PublishedAt = now;
        }
        if (options.Value.RelayHoldAfterPublish > TimeSpan.Zero)
        {
            LogHolding(batch.Count, options.Value.RelayHoldAfterPublish);
            await Task.Delay(options.Value.RelayHoldAfterPublish, time, cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return batch.Count;
    }

    /// <summary>Graceful shutdown: after the loop stops, publish what committed meanwhile (bounded to a few seconds).</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!options.Value.Relay)
        {
            return;
        }
        using var flush = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        flush.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            while (await RelayBatchAsync(flush.Token) == BatchSize)
            {
                // Keep flushing full batches until the outbox is drained or time is up.
            }
        }
#pragma warning disable CA1031 // Best effort: whatever is left is published by the next instance to start.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogRelayFailed(ex);
        }
    }

    private async Task CleanUpAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (now - _lastCleanup < TimeSpan.FromMinutes(10))
        {
            return;
        }
        _lastCleanup = now;
        var cutoff = now - options.Value.OutboxRetention;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Set<OutboxMessage>().Where(m => m.PublishedAt != null && m.PublishedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox relay is off on this instance (Events:Relay=false)")]
    private partial void LogRelayOff();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay published {Count} event(s) and holds {Hold} before marking them (Events:RelayHoldAfterPublish)")]
    private partial void LogHolding(int count, TimeSpan hold);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay failed; retrying")]
    private partial void LogRelayFailed(Exception exception);
}
