using System.Globalization;
using System.Runtime.CompilerServices;

namespace HeadlessShop.Api.Infrastructure.Events;

/// <summary>
/// The Embedded-mode event stream: an in-process log with the same group, retry, dead-letter and follow semantics
/// as the Redis Stream. Entries every group has acknowledged are trimmed, so memory stays bounded.
/// </summary>
public sealed class InMemoryEventBus(TimeProvider time) : IEventBus
{
    private const int TrimThreshold = 1024;

    private readonly Lock _gate = new();
    private readonly List<Entry> _log = [];
    private readonly Dictionary<string, GroupState> _groups = new(StringComparer.Ordinal);
    private readonly List<DeadLetter> _deadLetters = [];
    private long _firstSequence = 1;
    private long _deadLetterSequence;
    private TaskCompletionSource _published = NewSignal();

    public Task<string> PublishAsync(EventEnvelope envelope, CancellationToken cancellationToken) =>
        Task.FromResult(Append(envelope, targetGroup: null));

    public Task<IReadOnlyList<DeliveredEvent>> ReadAsync(string group, string consumer, int count, Func<int, TimeSpan> retryBackoff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(retryBackoff);
        var now = time.GetUtcNow();
        var result = new List<DeliveredEvent>();
        lock (_gate)
        {
            var state = Group(group);
            foreach (var (sequence, pending) in state.Pending)
            {
                if (result.Count == count)
                {
                    break;
                }
                if (now - pending.LastDelivered >= retryBackoff(pending.Deliveries))
                {
                    pending.Deliveries++;
                    pending.LastDelivered = now;
                    result.Add(new DeliveredEvent(Id(sequence), EntryAt(sequence).Event, pending.Deliveries));
                }
            }
            while (result.Count < count && state.NextSequence < NextSequence)
            {
                var sequence = state.NextSequence++;
                var entry = EntryAt(sequence);
                if (entry.TargetGroup is not null && entry.TargetGroup != group)
                {
                    continue;
                }
                state.Pending[sequence] = new PendingState { Deliveries = 1, LastDelivered = now };
                result.Add(new DeliveredEvent(Id(sequence), entry.Event, 1));
            }
        }
        return Task.FromResult<IReadOnlyList<DeliveredEvent>>(result);
    }

    public Task AcknowledgeAsync(string group, string deliveryId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Group(group).Pending.Remove(ParseId(deliveryId));
            Trim();
        }
        return Task.CompletedTask;
    }

    public Task DeadLetterAsync(string group, DeliveredEvent delivery, string error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        lock (_gate)
        {
            var id = "dl-" + (++_deadLetterSequence).ToString(CultureInfo.InvariantCulture);
            _deadLetters.Add(new DeadLetter(id, group, delivery.Event, delivery.Attempt, error, time.GetUtcNow()));
            Group(group).Pending.Remove(ParseId(delivery.DeliveryId));
            Trim();
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(int count, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<DeadLetter>>(_deadLetters.Take(count).ToList());
        }
    }

    public Task<bool> ReplayAsync(string deadLetterId, CancellationToken cancellationToken)
    {
        DeadLetter? letter;
        lock (_gate)
        {
            letter = _deadLetters.Find(d => d.DeadLetterId == deadLetterId);
            if (letter is null)
            {
                return Task.FromResult(false);
            }
            _deadLetters.Remove(letter);
        }
        Append(letter.Event, letter.Group);
        return Task.FromResult(true);
    }

    public Task<string> GetTailAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(Id(NextSequence - 1));
        }
    }

    public async IAsyncEnumerable<EventEnvelope> FollowAsync(string position, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = ParseId(position) + 1;
        while (true)
        {
            Task signal;
            var batch = new List<EventEnvelope>();
            lock (_gate)
            {
                signal = _published.Task;
                // A follower that fell behind the trimmed part continues from the oldest event still held.
                next = Math.Max(next, _firstSequence);
                for (; next < NextSequence; next++)
                {
                    var entry = EntryAt(next);
                    if (entry.TargetGroup is null)
                    {
                        batch.Add(entry.Event);
                    }
                }
            }
            foreach (var envelope in batch)
            {
                yield return envelope;
            }
            await signal.WaitAsync(cancellationToken);
        }
    }

    public async Task WaitForPublishAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_gate)
        {
            signal = _published.Task;
        }
        try
        {
            await signal.WaitAsync(timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Nothing was published in time: the caller looks anyway (retries come due without a publish).
        }
    }

    private long NextSequence => _firstSequence + _log.Count;

    private string Append(EventEnvelope envelope, string? targetGroup)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        TaskCompletionSource signal;
        long sequence;
        lock (_gate)
        {
            sequence = NextSequence;
            _log.Add(new Entry(envelope, targetGroup));
            signal = _published;
            _published = NewSignal();
        }
        signal.TrySetResult();
        return Id(sequence);
    }

    private GroupState Group(string group)
    {
        if (!_groups.TryGetValue(group, out var state))
        {
            // A new group starts at the oldest event still held: nothing published before it is lost to it.
            state = new GroupState { NextSequence = _firstSequence };
            _groups.Add(group, state);
        }
        return state;
    }

    private Entry EntryAt(long sequence) => _log[(int)(sequence - _firstSequence)];

    /// <summary>Drops the head of the log once every group is past it; followers only ever read fresh entries.</summary>
    private void Trim()
    {
        if (_log.Count < TrimThreshold || _groups.Count == 0)
        {
            return;
        }
        var keepFrom = _groups.Values.Min(g => g.Pending.Count > 0 ? Math.Min(g.Pending.Keys.First(), g.NextSequence) : g.NextSequence);
        var drop = (int)Math.Min(keepFrom - _firstSequence, _log.Count - (TrimThreshold / 2));
        if (drop > 0)
        {
            _log.RemoveRange(0, drop);
            _firstSequence += drop;
        }
    }

    private static string Id(long sequence) => sequence.ToString(CultureInfo.InvariantCulture);

    private static long ParseId(string id) => long.Parse(id, CultureInfo.InvariantCulture);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed record Entry(EventEnvelope Event, string? TargetGroup);

    private sealed class GroupState
    {
        public long NextSequence { get; set; }

        public SortedDictionary<long, PendingState> Pending { get; } = [];
    }

    private sealed class PendingState
    {
        public int Deliveries { get; set; }

        public DateTimeOffset LastDelivered { get; set; }
    }
}
