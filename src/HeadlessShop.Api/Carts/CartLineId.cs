using HeadlessShop.Api.GraphQL;

namespace HeadlessShop.Api.Carts;

/// <summary>Public id of a cart line: an opaque token tagged as a cart line, holding the variant id (one line per variant).</summary>
internal static class CartLineId
{
    private const byte LineTag = (byte)'L';

    public static string Encode(long variantId)
    {
        Span<byte> payload = stackalloc byte[10];
        payload[0] = (byte)NodeKind.Cart;
        payload[1] = LineTag;
        OpaqueToken.WriteInt64(payload[2..], variantId);
        return OpaqueToken.Encode(payload);
    }

    public static bool TryDecode(string? value, out long variantId)
    {
        variantId = 0;
        if (!OpaqueToken.TryDecode(value, out var payload) || payload.Length != 10 || payload[0] != (byte)NodeKind.Cart || payload[1] != LineTag)
        {
            return false;
        }
        variantId = OpaqueToken.ReadInt64(payload.AsSpan(2));
        return true;
    }
}
