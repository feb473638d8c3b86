using System.Buffers.Binary;
using System.Security.Cryptography;
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

    private static void WriteChecksum(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[Salt.Length + payload.Length];
        Salt.CopyTo(input);
        payload.CopyTo(input[Salt.Length..]);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);
        hash[..ChecksumLength].CopyTo(destination);
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static void WriteInt64(Span<byte> destination, long value) => BinaryPrimitives.WriteInt64BigEndian(destination, value);

    public static long ReadInt64(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadInt64BigEndian(source);
}
