using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HeadlessShop.Api.Search;

/// <summary>How one word of the query was understood before it reached the index.</summary>
internal enum WordStatus
{
    /// <summary>The word is in the vocabulary (or carries no meaning, like a stop word): searched as typed.</summary>
    Known,

    /// <summary>The last word is the start of vocabulary words (type-ahead): searched as a prefix.</summary>
    Prefix,

    /// <summary>Unknown word replaced by the closest vocabulary word.</summary>
    Corrected,

    /// <summary>Unknown word with no close vocabulary word: searched as typed (and so matches nothing).</summary>
    Unknown,
}

internal sealed record QueryWord(string Text, int Index, int Length, WordStatus Status, string? Correction)
{
    public string Effective => Correction ?? Text;
}

/// <summary>Splits queries into words the same way both database engines index them, and rewrites them after correction.</summary>
internal static partial class SearchText
{
    /// <summary>Words shorter than this are never corrected: too few letters to guess from.</summary>
    public const int MinCorrectableLength = 3;

    [GeneratedRegex(@"[\p{L}\p{N}]+", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();

    public static IReadOnlyList<(string Word, int Index, int Length)> Words(string text) =>
        WordPattern().Matches(text)
            .Select(m => (m.Value.ToLowerInvariant(), m.Index, m.Length))
            .Where(w => w.Length <= 64)
            .ToList();

    /// <summary>True when the last word may be a prefix being typed: plain text with the word at its very end.</summary>
    public static bool LastWordIsOpen(string text, (string Word, int Index, int Length) last) =>
        !text.Contains('"', StringComparison.Ordinal)
        && last.Index + last.Length == text.Length
        && (last.Index == 0 || char.IsWhiteSpace(text[last.Index - 1]));

    /// <summary>Allowed edits for a word of this length: short words are easily confused, so they get one.</summary>
    public static int MaxEdits(int length) => length <= 4 ? 1 : 2;

    /// <summary>The query with corrections applied (other characters kept), or null when nothing was corrected.</summary>
    public static string? Corrected(string text, IReadOnlyList<QueryWord> words)
    {
        if (!words.Any(w => w.Status == WordStatus.Corrected))
        {
            return null;
        }
        var builder = new StringBuilder(text.Length + 8);
        var position = 0;
        foreach (var word in words)
        {
            builder.Append(text, position, word.Index - position);
            builder.Append(word.Status == WordStatus.Corrected ? word.Correction : text.Substring(word.Index, word.Length));
            position = word.Index + word.Length;
        }
        builder.Append(text, position, text.Length - position);
        return builder.ToString();
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions), bounded by <paramref name="max"/>.</summary>
    public static int EditDistance(string a, string b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max)
        {
            return max + 1;
        }
        var previous2 = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, previous2[j - 2] + 1);
                }
                current[j] = value;
                rowMin = Math.Min(rowMin, value);
            }
            if (rowMin > max)
            {
                return max + 1;
            }
            (previous2, previous, current) = (previous, current, previous2);
        }
        return previous[b.Length];
    }

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
