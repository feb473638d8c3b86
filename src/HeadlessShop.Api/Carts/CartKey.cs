using System.Security.Cryptography;
using HeadlessShop.Api.GraphQL;

namespace HeadlessShop.Api.Carts;

/// <summary>
/// A cart's identity: 128 random bits. Whoever holds the id of an anonymous cart may use it, so it must be unguessable;
/// the public id wraps it in an <see cref="OpaqueToken"/> tagged <see cref="NodeKind.Cart"/>.
/// </summary>
public readonly record struct CartKey(string Value)
{
    private const int RandomBytes = 16;

    public static CartKey New() => new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(RandomBytes)));

    public string ToGlobalId()
    {
        Span<byte> payload = stackalloc byte[1 + RandomBytes];
        payload[0] = (byte)NodeKind.Cart;
        Convert.FromHexString(Value, payload[1..], out _, out _);
        return OpaqueToken.Encode(payload);
    }

    public static bool TryParse(string? globalId, out CartKey key)
    {
        key = default;
        if (!OpaqueToken.TryDecode(globalId, out var payload) || payload.Length != 1 + RandomBytes || payload[0] != (byte)NodeKind.Cart)
        {
            return false;
        }
        key = new CartKey(Convert.ToHexStringLower(payload.AsSpan(1)));
        return true;
    }

    public override string ToString() => Value;
}
