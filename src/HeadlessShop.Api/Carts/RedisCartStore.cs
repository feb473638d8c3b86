using System.Globalization;
using HeadlessShop.Api.Common;
using HeadlessShop.Api.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HeadlessShop.Api.Carts;

/// <summary>
/// One Redis hash per cart: <c>v</c> (version), <c>seq</c> (line counter), <c>owner</c> (optional), <c>cur</c> (the
/// lines' currency, written with the first line; absent in carts written before it was kept) and one field
/// <c>l:{variantId}</c> = <c>"{quantity}:{sequence}"</c> per line. Every write is one Lua script, so read-check-write
/// runs atomically on the server, bumps the version and slides the TTL; an add is one round trip, its checks (owner,
/// currency, maxima) included. A customer's current cart is a plain key
/// <c>customer-cart:{id}</c> holding the cart key; it is dropped when found pointing at an expired cart.
/// </summary>
internal sealed class RedisCartStore(IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, IOptions<CartOptions> options, TimeProvider time)
    : ICartStore
{
    // Shared tail: every script answers {status, index, quantity, pttl, HGETALL, capped...}.
    private const string Reply = """
        local function reply(status, index, quantity, capped)
          return {status, index, quantity, redis.call('PTTL', KEYS[1]), redis.call('HGETALL', KEYS[1]), capped or {}}
        end
        local function qty(value) if not value then return 0 end return tonumber(string.match(value, '^(%d+)')) end
        local function seqof(value) return string.match(value, ':(%d+)$') end
        """;

    // ARGV: ttl, maxLines, clamp, caller ('' anonymous), currency ('' unchecked), currency verified, then
    // (variantId, quantity, max) triples. An owner other than the caller answers exactly as a missing cart. The stored
    // currency counts only while the cart has lines: an empty cart takes the add's currency (or none, unchecked).
    private const string AddBody = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {1} end
        local owner = redis.call('HGET', KEYS[1], 'owner')
        if owner and owner ~= ARGV[4] then return {1} end
        local lines = 0
        for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
          if string.sub(f, 1, 2) == 'l:' then lines = lines + 1 end
        end
        local before = lines
        if ARGV[5] ~= '' and lines > 0 then
          local stored = redis.call('HGET', KEYS[1], 'cur')
          if not stored then
            if ARGV[6] ~= '1' then return reply(6, -1, 0) end
          elseif stored ~= ARGV[5] then
            return reply(5, -1, 0)
          end
        end
        local targets, capped = {}, {}
        for i = 0, (#ARGV - 6) / 3 - 1 do
          local current = redis.call('HGET', KEYS[1], 'l:' .. ARGV[7 + i * 3])
          local cur = qty(current)
          local target = cur + tonumber(ARGV[8 + i * 3])
          local max = tonumber(ARGV[9 + i * 3])
          if target > max then
            if ARGV[3] ~= '1' then return reply(2, i, cur) end
            target = math.max(cur, max)
            table.insert(capped, i)
          end
          if not current and target > 0 then lines = lines + 1 end
          targets[i] = {current, target}
        end
        if lines > tonumber(ARGV[2]) then return reply(4, -1, 0) end
        for i = 0, (#ARGV - 6) / 3 - 1 do
          local field = 'l:' .. ARGV[7 + i * 3]
          local current, target = targets[i][1], targets[i][2]
          if target > 0 then
            local s = current and seqof(current) or redis.call('HINCRBY', KEYS[1], 'seq', 1)
            redis.call('HSET', KEYS[1], field, target .. ':' .. s)
          end
        end
        if ARGV[5] ~= '' then
          redis.call('HSET', KEYS[1], 'cur', ARGV[5])
        elseif before == 0 then
          redis.call('HDEL', KEYS[1], 'cur')
        end
        redis.call('HINCRBY', KEYS[1], 'v', 1)
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return reply(0, -1, 0, capped)
        """;

    // ARGV: ttl, then (variantId, quantity, max) triples; quantity 0 removes.
    private const string SetBody = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {1} end
        for i = 0, (#ARGV - 1) / 3 - 1 do
          local current = redis.call('HGET', KEYS[1], 'l:' .. ARGV[2 + i * 3])
          if not current then return reply(3, i, 0) end
          if tonumber(ARGV[3 + i * 3]) > tonumber(ARGV[4 + i * 3]) then return reply(2, i, qty(current)) end
        end
        for i = 0, (#ARGV - 1) / 3 - 1 do
          local field = 'l:' .. ARGV[2 + i * 3]
          if tonumber(ARGV[3 + i * 3]) == 0 then
            redis.call('HDEL', KEYS[1], field)
          else
            redis.call('HSET', KEYS[1], field, ARGV[3 + i * 3] .. ':' .. seqof(redis.call('HGET', KEYS[1], field)))
          end
        end
        redis.call('HINCRBY', KEYS[1], 'v', 1)
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return reply(0, -1, 0)
        """;

    // ARGV: ttl, variantIds.
    private const string RemoveBody = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {1} end
        for i = 2, #ARGV do
          if redis.call('HEXISTS', KEYS[1], 'l:' .. ARGV[i]) == 0 then return reply(3, i - 2, 0) end
        end
        for i = 2, #ARGV do redis.call('HDEL', KEYS[1], 'l:' .. ARGV[i]) end
        redis.call('HINCRBY', KEYS[1], 'v', 1)
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return reply(0, -1, 0)
        """;

    // KEYS: cart, customer pointer. ARGV: ttl, owner, cart key.
    private const string OwnerBody = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {1} end
        redis.call('HSET', KEYS[1], 'owner', ARGV[2])
        redis.call('HINCRBY', KEYS[1], 'v', 1)
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        redis.call('SET', KEYS[2], ARGV[3])
        return reply(0, -1, 0)
        """;

    // ARGV: expected version or ''. A stale version answers as a missing cart.
    private const string TakeBody = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {1} end
        if ARGV[1] ~= '' and redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return {1} end
        local result = reply(0, -1, 0)
        redis.call('DEL', KEYS[1])
        return result
        """;

    // ARGV: ttl, then field/value pairs.
    private const string RestoreBody = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], unpack(ARGV, 2))
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return 1
        """;

    private const string CreateScript = Reply + "\n" + CreateBody;
    private const string AddScript = Reply + "\n" + AddBody;
    private const string SetScript = Reply + "\n" + SetBody;
    private const string RemoveScript = Reply + "\n" + RemoveBody;
    private const string OwnerScript = Reply + "\n" + OwnerBody;
    private const string TakeScript = Reply + "\n" + TakeBody;

    private readonly string _prefix = redisOptions.Value.KeyPrefix;
    private readonly CartOptions _options = options.Value;
    private IDatabase Db => redis.GetDatabase();

    private RedisKey CartRedisKey(CartKey key) => _prefix + "cart:" + key.Value;

    private RedisKey PointerKey(long customerId) => _prefix + "customer-cart:" + customerId.ToString(CultureInfo.InvariantCulture);

    private string Ttl => ((long)_options.TimeToLive.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    public async Task<StoredCart> CreateAsync(long? ownerId, IReadOnlyList<CartLineChange> lines, CurrencyCode? currency, CancellationToken cancellationToken)
    {
        var key = CartKey.New();
        var args = new List<RedisValue> { Ttl, ownerId?.ToString(CultureInfo.InvariantCulture) ?? "", CurrencyArgument(currency) };
        foreach (var line in lines)
        {
            args.Add(line.VariantId);
            args.Add(line.Quantity);
        }
        var result = await RunAsync(CreateScript, key, args, null);
        if (ownerId is { } owner)
        {
            await Db.StringSetAsync(PointerKey(owner), key.Value);
        }
        return result.Cart!;
    }

    // ARGV: ttl, owner or '', currency or '', then (variantId, quantity) pairs.
    private const string CreateBody = """
        redis.call('HSET', KEYS[1], 'v', 1, 'seq', 0)
        if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'owner', ARGV[2]) end
        if ARGV[3] ~= '' and #ARGV > 3 then redis.call('HSET', KEYS[1], 'cur', ARGV[3]) end
        for i = 4, #ARGV, 2 do
          local s = redis.call('HINCRBY', KEYS[1], 'seq', 1)
          redis.call('HSET', KEYS[1], 'l:' .. ARGV[i], ARGV[i + 1] .. ':' .. s)
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return reply(0, -1, 0)
        """;

    public async Task<StoredCart?> GetAsync(CartKey key, CancellationToken cancellationToken)
    {
        var batch = Db.CreateBatch();
        var fields = batch.HashGetAllAsync(CartRedisKey(key));
        var ttl = batch.KeyTimeToLiveAsync(CartRedisKey(key));
        batch.Execute();
        var entries = await fields;
        var remaining = await ttl;
        return entries.Length == 0 || remaining is null ? null : Parse(key, entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString()), remaining.Value);
    }

    public Task<CartWriteResult> AddLinesAsync(CartKey key, IReadOnlyList<CartLineChange> lines, CartAddRules rules, CancellationToken cancellationToken)
    {
        List<RedisValue> args =
        [
            Ttl, _options.MaxLines, rules.Clamp ? "1" : "0", rules.CallerId?.ToString(CultureInfo.InvariantCulture) ?? "",
            CurrencyArgument(rules.Currency), rules.CurrencyVerified ? "1" : "0",
        ];
        return RunAsync(AddScript, key, WithLines(args, lines), null);
    }

    private static RedisValue CurrencyArgument(CurrencyCode? currency) => currency switch
    {
        null => "",
        { } code => CurrencyNames[(int)code],
    };

    private static readonly string[] CurrencyNames = Enum.GetNames<CurrencyCode>();

    public Task<CartWriteResult> SetQuantitiesAsync(CartKey key, IReadOnlyList<CartLineChange> lines, CancellationToken cancellationToken)
    {
        return RunAsync(SetScript, key, WithLines([Ttl], lines), null);
    }

    public Task<CartWriteResult> RemoveLinesAsync(CartKey key, IReadOnlyList<long> variantIds, CancellationToken cancellationToken)
    {
        var args = new List<RedisValue> { Ttl };
        args.AddRange(variantIds.Select(id => (RedisValue)id));
        return RunAsync(RemoveScript, key, args, null);
    }

    public async Task<StoredCart?> SetOwnerAsync(CartKey key, long ownerId, CancellationToken cancellationToken)
    {
        var args = new List<RedisValue> { Ttl, ownerId, key.Value };
        return (await RunAsync(OwnerScript, key, args, PointerKey(ownerId))).Cart;
    }

    public async Task<StoredCart?> GetCustomerCartAsync(long customerId, CancellationToken cancellationToken)
    {
        var pointer = await Db.StringGetAsync(PointerKey(customerId));
        if (pointer.IsNullOrEmpty)
        {
            return null;
        }
        var cart = await GetAsync(new CartKey(pointer.ToString()), cancellationToken);
        if (cart is null || cart.OwnerId != customerId)
        {
            // The cart expired or was taken by checkout: forget it, unless a newer cart replaced the pointer meanwhile.
            await Db.ScriptEvaluateAsync("if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end", [PointerKey(customerId)], [pointer]);
            return null;
        }
        return cart;
    }

    public async Task<StoredCart?> TakeAsync(CartKey key, long? expectedVersion, CancellationToken cancellationToken)
    {
        var args = new List<RedisValue> { expectedVersion?.ToString(CultureInfo.InvariantCulture) ?? "" };
        return (await RunAsync(TakeScript, key, args, null)).Cart;
    }

    public async Task<bool> RestoreAsync(StoredCart cart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cart);
        var args = new List<RedisValue> { Ttl, "v", cart.Version, "seq", cart.Lines.Count == 0 ? 0 : cart.Lines.Max(l => l.Sequence) };
        if (cart.OwnerId is { } owner)
        {
            args.Add("owner");
            args.Add(owner);
        }
        if (cart.Currency is { } currency && cart.Lines.Count > 0)
        {
            args.Add("cur");
            args.Add(CurrencyArgument(currency));
        }
        foreach (var line in cart.Lines)
        {
            args.Add("l:" + line.VariantId.ToString(CultureInfo.InvariantCulture));
            args.Add(FormattableString.Invariant($"{line.Quantity}:{line.Sequence}"));
        }
        var restored = (long)await Db.ScriptEvaluateAsync(RestoreBody, [CartRedisKey(cart.Key)], [.. args]) == 1;
        if (restored && cart.OwnerId is { } ownerId)
        {
            await Db.StringSetAsync(PointerKey(ownerId), cart.Key.Value, when: When.NotExists);
        }
        return restored;
    }

    /// <summary>Appends the (variantId, quantity, max) triples the add and set scripts read after their fixed arguments.</summary>
    private static List<RedisValue> WithLines(List<RedisValue> args, IReadOnlyList<CartLineChange> lines)
    {
        foreach (var line in lines)
        {
            args.Add(line.VariantId);
            args.Add(line.Quantity);
            args.Add(line.MaxQuantity);
        }
        return args;
    }

    private async Task<CartWriteResult> RunAsync(string script, CartKey key, List<RedisValue> args, RedisKey? second)
    {
        RedisKey[] keys = second is { } pointer ? [CartRedisKey(key), pointer] : [CartRedisKey(key)];
        var reply = (RedisResult[])(await Db.ScriptEvaluateAsync(script, keys, [.. args]))!;
        var status = (int)reply[0];
        if (status == 1)
        {
            return CartWriteResult.NotFound;
        }
        var fields = (RedisResult[])reply[4]!;
        var dictionary = new Dictionary<string, string>(fields.Length / 2);
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            dictionary[(string)fields[i]!] = (string)fields[i + 1]!;
        }
        var pttl = (long)reply[3];
        var cart = Parse(key, dictionary, TimeSpan.FromMilliseconds(pttl > 0 ? pttl : _options.TimeToLive.TotalMilliseconds));
        var capped = ((RedisResult[])reply[5]!).Select(r => (int)r).ToList();
        return new CartWriteResult((CartWriteStatus)status, cart, (int)reply[1], (int)reply[2], capped);
    }

    private StoredCart Parse(CartKey key, Dictionary<string, string> fields, TimeSpan remaining)
    {
        var lines = new List<StoredCartLine>();
        foreach (var (name, value) in fields)
        {
            if (name.StartsWith("l:", StringComparison.Ordinal))
            {
                var separator = value.IndexOf(':', StringComparison.Ordinal);
                lines.Add(new StoredCartLine(
                    long.Parse(name.AsSpan(2), CultureInfo.InvariantCulture),
                    int.Parse(value.AsSpan(0, separator), CultureInfo.InvariantCulture),
                    long.Parse(value.AsSpan(separator + 1), CultureInfo.InvariantCulture)));
            }
        }
        lines.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        long? owner = fields.TryGetValue("owner", out var o) ? long.Parse(o, CultureInfo.InvariantCulture) : null;
        var version = fields.TryGetValue("v", out var v) ? long.Parse(v, CultureInfo.InvariantCulture) : 0;
        CurrencyCode? currency = lines.Count > 0 && fields.TryGetValue("cur", out var c) ? Enum.Parse<CurrencyCode>(c) : null;
        return new StoredCart(key, owner, version, time.GetUtcNow() + remaining, lines) { Currency = currency };
    }
}
