using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Admin;

/// <summary>URL slugs: lower-case letters and digits in hyphen-separated words; generated from names when absent.</summary>
internal static partial class Slugs
{
    public const int MaxLength = 200;

    // Room for a "-123" suffix when a generated slug clashes.
    private const int GeneratedMaxLength = MaxLength - 10;

    public static bool IsValid(string slug) => slug.Length <= MaxLength && ValidPattern().IsMatch(slug);

    /// <summary>"Trail Runner Pro (Men's)" becomes "trail-runner-pro-men-s"; accents are folded ("Café" is "cafe").</summary>
    public static string FromName(string name)
    {
        // InvariantGlobalization is on (no ICU): fold the common Latin accents by table rather than by normalization.
        var folded = name ?? "";
        var slug = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            var lower = Fold(char.ToLowerInvariant(c));
            if (lower is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                slug.Append(lower);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }
        var text = slug.ToString().Trim('-');
        if (text.Length > GeneratedMaxLength)
        {
            text = text[..GeneratedMaxLength].TrimEnd('-');
        }
        return text.Length == 0 ? "item" : text;
    }

    private const string Accented = "àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňòóôõöøōŏőŕŗřśŝşšţťŧùúûüũūŭůűųŵýÿŷźżž";
    private const string Plain = "aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnooooooooorrrsssstttuuuuuuuuuuwyyyzzz";

    private static char Fold(char c)
    {
        var at = Accented.IndexOf(c, StringComparison.Ordinal);
        return at >= 0 ? Plain[at] : c;
    }

    /// <summary><paramref name="wanted"/> when free, else the first free "wanted-2", "wanted-3", … among <paramref name="slugs"/>.</summary>
    public static async Task<string> FirstFreeAsync(IQueryable<string> slugs, string wanted, CancellationToken cancellationToken)
    {
        var prefix = wanted + "-";
        var taken = (await slugs.Where(s => s == wanted || s.StartsWith(prefix)).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        if (!taken.Contains(wanted))
        {
            return wanted;
        }
        for (var n = 2; ; n++)
        {
            var candidate = prefix + n.ToString(CultureInfo.InvariantCulture);
            if (!taken.Contains(candidate))
            {
                return candidate;
            }
        }
    }

    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidPattern();
}
