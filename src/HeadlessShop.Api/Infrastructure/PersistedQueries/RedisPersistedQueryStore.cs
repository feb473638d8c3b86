using HeadlessShop.GraphQL.Transport.PersistedQueries;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HeadlessShop.Api.Infrastructure.PersistedQueries;

/// <summary>
/// Persisted documents in Redis, shared by every API instance. Automatic (APQ) entries expire after
/// <see cref="AutomaticTimeToLive"/> unless used again (clients resend the text on a miss); trusted documents do
/// not expire.
/// </summary>
public sealed class RedisPersistedQueryStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options) : IPersistedQueryStore
{
    public static readonly TimeSpan AutomaticTimeToLive = TimeSpan.FromDays(7);

    private readonly string _prefix = (options ?? throw new ArgumentNullException(nameof(options))).Value.KeyPrefix + "pq:";

    public async ValueTask<string?> GetAsync(PersistedQueryKind kind, string key, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var value = kind == PersistedQueryKind.Automatic
            ? await db.StringGetSetExpiryAsync(Key(kind, key), AutomaticTimeToLive)
            : await db.StringGetAsync(Key(kind, key));
        return value.IsNull ? null : value.ToString();
    }

    public async ValueTask SetAsync(PersistedQueryKind kind, string key, string document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var db = redis.GetDatabase();
        if (kind == PersistedQueryKind.Automatic)
        {
            await db.StringSetAsync(Key(kind, key), document, AutomaticTimeToLive);
        }
        else
        {
            await db.StringSetAsync(Key(kind, key), document);
        }
    }

    private RedisKey Key(PersistedQueryKind kind, string key) =>
        _prefix + (kind == PersistedQueryKind.Automatic ? "apq:" : "doc:") + key;
}
