using System.Collections.Concurrent;
using HeadlessShop.Api.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HeadlessShop.Api.Customers;

/// <summary>Fixed-window counters shared by every instance of the API (Redis) or by the process (embedded mode).</summary>
public interface IRateLimitStore
{
    /// <summary>The count in the key's current window, 0 when none is open.</summary>
    Task<long> CountAsync(string key, CancellationToken cancellationToken);

    /// <summary>Adds one and returns the new count; the first hit opens a window of <paramref name="window"/>.</summary>
    Task<long> IncrementAsync(string key, TimeSpan window, CancellationToken cancellationToken);

    Task ResetAsync(string key, CancellationToken cancellationToken);
}

internal sealed class RedisRateLimitStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options) : IRateLimitStore
{
    private const string Increment = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return n
        """;

    private readonly string _prefix = options.Value.KeyPrefix + "rate:";

    public async Task<long> CountAsync(string key, CancellationToken cancellationToken) =>
        (long?)await redis.GetDatabase().StringGetAsync(_prefix + key) ?? 0;

    public async Task<long> IncrementAsync(string key, TimeSpan window, CancellationToken cancellationToken) =>
        (long)await redis.GetDatabase().ScriptEvaluateAsync(Increment, [_prefix + key], [(long)window.TotalMilliseconds]);

    public Task ResetAsync(string key, CancellationToken cancellationToken) => redis.GetDatabase().KeyDeleteAsync(_prefix + key);
}

internal sealed class MemoryRateLimitStore(TimeProvider time) : IRateLimitStore
{
    private readonly ConcurrentDictionary<string, (long Count, DateTimeOffset Ends)> _windows = new();

    public Task<long> CountAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(_windows.TryGetValue(key, out var w) && w.Ends > time.GetUtcNow() ? w.Count : 0);

    public Task<long> IncrementAsync(string key, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var updated = _windows.AddOrUpdate(key, _ => (1, now + window), (_, w) => w.Ends > now ? (w.Count + 1, w.Ends) : (1, now + window));
        return Task.FromResult(updated.Count);
    }

    public Task ResetAsync(string key, CancellationToken cancellationToken)
    {
        _windows.TryRemove(key, out _);
        return Task.CompletedTask;
    }
}
