using HeadlessShop.Api.GraphQL;

namespace HeadlessShop.Api.Tests.GraphQL;

/// <summary>
/// Clients store ids and cursors: the encoder may get faster but never change a byte. The expected values were
/// produced by the first implementation (standard base64, padding trimmed, '+' and '/' replaced).
/// </summary>
public sealed class GlobalIdEncodingTests
{
    [Theory]
    [InlineData(NodeKind.Product, 42L, "AQAAAAAAAAAq8P8bRQ")]
    [InlineData(NodeKind.ProductVariant, 987654321L, "AgAAAAA63mixaPTItQ")]
    [InlineData(NodeKind.Order, -1L, "FP__________IzTcgA")]
    [InlineData(NodeKind.Collection, long.MaxValue, "BH__________bemz0A")]
    public void Ids_keep_their_exact_encoding_and_round_trip(NodeKind kind, long id, string expected)
    {
        var encoded = GlobalId.Encode(kind, id);
        Assert.Equal(expected, encoded);
        Assert.True(GlobalId.TryDecode(encoded, out var decodedKind, out var decodedId));
        Assert.Equal((kind, id), (decodedKind, decodedId));
    }
}
