using System.Globalization;
using HeadlessShop.Api.GraphQL;

namespace HeadlessShop.Api.Search.Typesense;

/// <summary>
/// Builds <c>filter_by</c> from shopper input without letting a value become syntax: field names are constants, every
/// string value is a backtick literal (commas, brackets, <c>&amp;&amp;</c>, <c>||</c>, parentheses and colons inside
/// it are plain text), and a value containing a backtick, which the literal cannot hold, is rejected as bad input.
/// </summary>
public static class TypesenseFilter
{
    /// <summary><c>field:=[`a`, `b`]</c>: the field equals one of the values exactly (an array field contains one).</summary>
    public static string AnyOf(string field, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("At least one value is needed.", nameof(values));
        }
        return $"{field}:=[{string.Join(", ", values.Select(Literal))}]";
    }

    /// <summary><c>field:[min..max]</c> with both ends inclusive; an open end becomes a comparison.</summary>
    public static string? Range(string field, long? min, long? max) => (min, max) switch
    {
        (null, null) => null,
        ({ } lo, null) => $"{field}:>={lo.ToString(CultureInfo.InvariantCulture)}",
        (null, { } hi) => $"{field}:<={hi.ToString(CultureInfo.InvariantCulture)}",
        ({ } lo, { } hi) => $"{field}:[{lo.ToString(CultureInfo.InvariantCulture)}..{hi.ToString(CultureInfo.InvariantCulture)}]",
    };

    /// <summary>All conditions must hold; null when there are none.</summary>
    public static string? And(IEnumerable<string?> conditions)
    {
        var parts = conditions.Where(c => !string.IsNullOrEmpty(c)).ToList();
        return parts.Count == 0 ? null : string.Join(" && ", parts);
    }

    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('`', StringComparison.Ordinal))
        {
            throw new BadUserInputException("Facet values cannot contain a backtick (`).", "input.facets");
        }
        return $"`{value}`";
    }
}
