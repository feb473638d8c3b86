using System.Buffers.Binary;
using System.Text;

namespace HeadlessShop.Api.GraphQL;

/// <summary>
/// Base64url payload with a 4-byte checksum. Clients must treat ids and cursors as opaque; the checksum makes a
/// hand-edited or truncated token fail cleanly (BAD_USER_INPUT) instead of pointing at something else.
/// </summary>
internal static class OpaqueToken
{
    private const int ChecksumLength = 4;
    private static readonly byte[] Salt = Encoding.ASCII.GetBytes("headlessshop/opaque/v1");

    public static string Encode(ReadOnlySpan<byte> payload)
    {
        Span<byte> buffer = stackalloc byte[payload.Length + ChecksumLength];
        payload.CopyTo(buffer);
        WriteChecksum(payload, buffer[payload.Length..]);
        return Base64Url(buffer);
    }

    public static bool TryDecode(string? token, out byte[] payload)
    {
        payload = [];
        if (string.IsNullOrEmpty(token) || token.Length > 512)
        {
            return false;
        }
        byte[] raw;
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 += new string('=', (4 - (base64.Length % 4)) % 4);
            raw = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return false;
        }
        if (raw.Length <= ChecksumLength)
        {
            return false;
        }
        var body = raw.AsSpan(0, raw.Length - ChecksumLength);
        Span<byte> expected = stackalloc byte[ChecksumLength];
        WriteChecksum(body, expected);
        if (!expected.SequenceEqual(raw.AsSpan(raw.Length - ChecksumLength)))
        {
            return false;
        }
        payload = body.ToArray();
        return true;
    }

    /// <summary>
    /// FNV-1a over salt and payload. The checksum catches edited or truncated tokens; it is not a secret or a
    /// signature (authorization never relies on an id being unguessable), so a fast non-cryptographic hash fits:
    /// every id and cursor of a response is encoded, and a SHA-256 here was the hottest user code of the listing.
    /// </summary>
    private static void WriteChecksum(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        var hash = 2166136261u;
        foreach (var b in Salt)
        {
            hash = (hash ^ b) * 16777619u;
        }
        foreach (var b in payload)
        {
            hash = (hash ^ b) * 16777619u;
        }
        BinaryPrimitives.WriteUInt32BigEndian(destination, hash);
    }

    // Unpadded base64url in one allocation: every id and cursor of every page goes through here.
    private static string Base64Url(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    public static void WriteInt64(Span<byte> destination, long value) => BinaryPrimitives.WriteInt64BigEndian(destination, value);

    public static long ReadInt64(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadInt64BigEndian(source);
}
