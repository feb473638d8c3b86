using System.Globalization;
using System.Text;
using HeadlessShop.Api.GraphQL;

namespace HeadlessShop.Api.Search;

/// <summary>
/// A position in a search result: the number of hits before it. Engines page by offset (a ranked list has no stable
/// keyset), so the cursor carries just that, wrapped in the project's checksummed opaque token.
/// </summary>
internal static class SearchCursor
{
    private const string Prefix = "s1|";

    /// <summary>The deepest position a cursor may name; far beyond any page a shopper reaches.</summary>
    public const int MaxOffset = 100_000;

    public static string Encode(int offset) => OpaqueToken.Encode(Encoding.UTF8.GetBytes(Prefix + offset.ToString(CultureInfo.InvariantCulture)));

    public static int Decode(string cursor, string argument)
    {
        if (OpaqueToken.TryDecode(cursor, out var payload))
        {
            var text = Encoding.UTF8.GetString(payload);
            if (text.StartsWith(Prefix, StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
                && offset <= MaxOffset)
            {
                return offset;
            }
        }
        throw new BadUserInputException($"\"{argument}\" is not a search cursor. Use a cursor returned by `search`.", argument);
    }
}
