namespace HeadlessShop.Api.GraphQL;

/// <summary>The kinds of object a global id can name. Values are part of every id ever issued: never renumber.</summary>
public enum NodeKind : byte
{
    Product = 1,
    ProductVariant = 2,
    Category = 3,
    Collection = 4,

    Cart = 10,
    Customer = 11,

    Order = 20,
    OrderLine = 21,
    Payment = 22,
    Shipment = 23,

    StockAdjustment = 30,

    // Reserved ranges, so features built in parallel never collide: 10–19 carts and customers,
    // 20–29 checkout, orders, payments and shipments, 30–39 admin.
}

/// <summary>Relay global ids: an opaque token holding the node kind and its database key.</summary>
public static class GlobalId
{
    public static string Encode(NodeKind kind, long id)
    {
        Span<byte> payload = stackalloc byte[9];
        payload[0] = (byte)kind;
        OpaqueToken.WriteInt64(payload[1..], id);
        return OpaqueToken.Encode(payload);
    }

    public static bool TryDecode(string? value, out NodeKind kind, out long id)
    {
        kind = default;
        id = 0;
        if (!OpaqueToken.TryDecode(value, out var payload) || payload.Length != 9 || !Enum.IsDefined((NodeKind)payload[0]))
        {
            return false;
        }
        kind = (NodeKind)payload[0];
        id = OpaqueToken.ReadInt64(payload.AsSpan(1));
        return true;
    }

    /// <summary>Decodes an id argument that must name a <paramref name="expected"/>; anything else is BAD_USER_INPUT.</summary>
    public static long Decode(string? value, NodeKind expected, string argumentName)
    {
        if (TryDecode(value, out var kind, out var id) && kind == expected)
        {
            return id;
        }
        throw new BadUserInputException($"\"{argumentName}\" is not a valid {expected} id.", argumentName);
    }
}
