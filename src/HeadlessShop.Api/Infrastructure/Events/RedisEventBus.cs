using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HeadlessShop.Api.Infrastructure.Events;

/// <summary>
/// The Production event stream: Redis Stream <c>{prefix}events</c> with consumer groups (XREADGROUP, XPENDING +
/// XCLAIM for retries with backoff, XACK), dead letters in <c>{prefix}events:dead</c>, and a pub/sub channel that
/// wakes readers on every instance as soon as something is appended (they also poll, so a lost wake-up only delays).
/// </summary>
public sealed class RedisEventBus : IEventBus, IAsyncDisposable
{
    private const int MaxStreamLength = 100_000;
    private const int MaxDeadLetters = 10_000;

    // Moves one dead letter back onto the stream for its group only, exactly once even if two operators race.
    private static readonly LuaScript ReplayScript = LuaScript.Prepare("""
        local entries = redis.call('XRANGE', @dead, @id, @id)
        if #entries == 0 then return 0 end
        local fields = entries[1][2]
        local copy = {}
        for i = 1, #fields, 2 do
          local name = fields[i]
          if name == 'id' or name == 'type' or name == 'key' or name == 'payload' or name == 'at' or name == 'group' then
            table.insert(copy, name)
            table.insert(copy, fields[i + 1])
          end
        end
        redis.call('XADD', @stream, '*', unpack(copy))
        redis.call('XDEL', @dead, @id)
        return 1
        """);

    private readonly IConnectionMultiplexer _redis;
    private readonly TimeProvider _time;
    private readonly RedisKey _stream;
    private readonly RedisKey _dead;
    private readonly RedisChannel _channel;
    private readonly ConcurrentDictionary<string, Task> _groups = new(StringComparer.Ordinal);
    private readonly Lock _signalGate = new();
    private TaskCompletionSource _published = NewSignal();
    private Task? _subscription;

    public RedisEventBus(IConnectionMultiplexer redis, IOptions<RedisOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _time = time;
        var prefix = options.Value.KeyPrefix;
        _stream = prefix + "events";
        _dead = prefix + "events:dead";
        _channel = RedisChannel.Literal(prefix + "events:published");
    }

    private IDatabase Db => _redis.GetDatabase();

    public async Task<string> PublishAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var id = await Db.StreamAddAsync(_stream, Fields(envelope, null), maxLength: MaxStreamLength, useApproximateMaxLength: true);
        await Db.PublishAsync(_channel, id);
        return id.ToString();
    }

    public async Task<IReadOnlyList<DeliveredEvent>> ReadAsync(string group, string consumer, int count, Func<int, TimeSpan> retryBackoff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(retryBackoff);
        await EnsureGroupAsync(group);
        var result = new List<DeliveredEvent>();

        var pending = await Db.StreamPendingMessagesAsync(_stream, group, count, RedisValue.Null);
        foreach (var info in pending)
        {
            var backoff = (long)retryBackoff(info.DeliveryCount).TotalMilliseconds;
            if (info.IdleTimeInMilliseconds < backoff)
            {
                continue;
            }
            // XCLAIM re-checks the idle time, so two instances never both take the same retry.
            var claimed = await Db.StreamClaimAsync(_stream, group, consumer, backoff, [info.MessageId]);
            foreach (var entry in claimed)
            {
                if (entry.IsNull || entry.Values is null || entry.Values.Length == 0)
                {
                    // Trimmed from the stream while pending: nothing left to deliver.
                    await Db.StreamAcknowledgeAsync(_stream, group, info.MessageId);
                    continue;
                }
                result.Add(new DeliveredEvent(entry.Id.ToString(), Parse(entry), info.DeliveryCount + 1));
            }
        }

        if (result.Count < count)
        {
            var fresh = await Db.StreamReadGroupAsync(_stream, group, consumer, StreamPosition.NewMessages, count - result.Count);
            foreach (var entry in fresh)
            {
                var target = Field(entry, "group");
                if (!target.IsNullOrEmpty && target != group)
                {
                    // A replay meant for another group: this group handled the original already.
                    await Db.StreamAcknowledgeAsync(_stream, group, entry.Id);
                    continue;
                }
                result.Add(new DeliveredEvent(entry.Id.ToString(), Parse(entry), 1));
            }
        }
        return result;
    }

    public async Task AcknowledgeAsync(string group, string deliveryId, CancellationToken cancellationToken) =>
        await Db.StreamAcknowledgeAsync(_stream, group, deliveryId);

    public async Task DeadLetterAsync(string group, DeliveredEvent delivery, string error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var fields = Fields(delivery.Event, group).Concat(
        [
            new NameValueEntry("attempts", delivery.Attempt),
            new NameValueEntry("error", error),
            new NameValueEntry("dead_at", _time.GetUtcNow().ToUnixTimeMilliseconds()),
        ]).ToArray();
        var transaction = Db.CreateTransaction();
        _ = transaction.StreamAddAsync(_dead, fields, maxLength: MaxDeadLetters, useApproximateMaxLength: true);
        _ = transaction.StreamAcknowledgeAsync(_stream, group, delivery.DeliveryId);
        await transaction.ExecuteAsync();
    }

    public async Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(int count, CancellationToken cancellationToken)
    {
        var entries = await Db.StreamRangeAsync(_dead, count: count);
        return entries.Select(e => new DeadLetter(
            e.Id.ToString(),
            Field(e, "group").ToString(),
            Parse(e),
            (int)Field(e, "attempts"),
            Field(e, "error").ToString(),
            DateTimeOffset.FromUnixTimeMilliseconds((long)Field(e, "dead_at")))).ToList();
    }

    public async Task<bool> ReplayAsync(string deadLetterId, CancellationToken cancellationToken)
    {
        var replayed = (int)await Db.ScriptEvaluateAsync(ReplayScript, new { dead = _dead, stream = _stream, id = deadLetterId });
        if (replayed == 1)
        {
            await Db.PublishAsync(_channel, deadLetterId);
        }
        return replayed == 1;
    }

    public async Task<string> GetTailAsync(CancellationToken cancellationToken)
    {
        var last = await Db.StreamRangeAsync(_stream, count: 1, messageOrder: Order.Descending);
        return last.Length > 0 ? last[0].Id.ToString() : "0-0";
    }

    public async IAsyncEnumerable<EventEnvelope> FollowAsync(string position, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureSubscribedAsync();
        RedisValue next = position;
        while (!cancellationToken.IsCancellationRequested)
        {
            var signal = CurrentSignal();
            var entries = await Db.StreamReadAsync(_stream, next, count: 100);
            foreach (var entry in entries)
            {
                next = entry.Id;
                if (Field(entry, "group").IsNullOrEmpty)
                {
                    yield return Parse(entry);
                }
            }
            if (entries.Length == 0)
            {
                await WaitAsync(signal, TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    public async Task WaitForPublishAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await EnsureSubscribedAsync();
        await WaitAsync(CurrentSignal(), timeout, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _redis.GetSubscriber().UnsubscribeAsync(_channel);
        }
    }

    private Task EnsureGroupAsync(string group) => _groups.GetOrAdd(group, async name =>
    {
        try
        {
            // From the oldest retained entry: a group created after events were published still gets them.
            await Db.StreamCreateConsumerGroupAsync(_stream, name, "0-0", createStream: true);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Created earlier, by this or another instance.
        }
    });

    private Task EnsureSubscribedAsync()
    {
        lock (_signalGate)
        {
            return _subscription ??= _redis.GetSubscriber().SubscribeAsync(_channel, (_, _) => Signal());
        }
    }

    private void Signal()
    {
        TaskCompletionSource signal;
        lock (_signalGate)
        {
            signal = _published;
            _published = NewSignal();
        }
        signal.TrySetResult();
    }

    private Task CurrentSignal()
    {
        lock (_signalGate)
        {
            return _published.Task;
        }
    }

    private async Task WaitAsync(Task signal, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await signal.WaitAsync(timeout, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Poll anyway: a wake-up can be lost while Redis reconnects, and retries come due without one.
        }
    }

    private static NameValueEntry[] Fields(EventEnvelope envelope, string? group)
    {
        var fields = new List<NameValueEntry>(6)
        {
            new("id", envelope.Id),
            new("type", envelope.Type),
            new("key", envelope.Key),
            new("payload", envelope.Payload),
            new("at", envelope.OccurredAt.ToUnixTimeMilliseconds()),
        };
        if (group is not null)
        {
            fields.Add(new NameValueEntry("group", group));
        }
        return [.. fields];
    }

    private static EventEnvelope Parse(StreamEntry entry) => new(
        Field(entry, "id").ToString(),
        Field(entry, "type").ToString(),
        Field(entry, "key").ToString(),
        Field(entry, "payload").ToString(),
        DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(Field(entry, "at").ToString(), CultureInfo.InvariantCulture)));

    private static RedisValue Field(StreamEntry entry, string name)
    {
        foreach (var value in entry.Values)
        {
            if (value.Name == name)
            {
                return value.Value;
            }
        }
        return RedisValue.Null;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
