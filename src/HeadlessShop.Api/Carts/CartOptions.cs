using System.ComponentModel.DataAnnotations;

namespace HeadlessShop.Api.Carts;

/// <summary>Bound from the <c>Carts</c> section.</summary>
public sealed class CartOptions
{
    public const string SectionName = "Carts";

    /// <summary>A cart lives this long after its last write.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromDays(30);

    [Range(1, 1000)]
    public int MaxLines { get; set; } = 100;

    [Range(1, 1_000_000)]
    public int MaxQuantityPerLine { get; set; } = 999;

    /// <summary>
    /// How many carts' line variants each instance remembers so an add loads them with its own in one SQL statement
    /// (see <see cref="CartLineHints"/>); 0 turns the hint off.
    /// </summary>
    [Range(0, 1_000_000)]
    public int LineHints { get; set; } = 10_000;
}
