using System.Globalization;

namespace HeadlessShop.Api.Common;

/// <summary>An amount in minor units (cents) of a currency. Never a floating-point number.</summary>
public readonly record struct Money(long MinorUnits, CurrencyCode Currency)
{
    /// <summary>The decimal string clients display, e.g. 1999 USD is "19.99".</summary>
    public string Amount
    {
        get
        {
            var sign = MinorUnits < 0 ? "-" : "";
            var abs = Math.Abs(MinorUnits);
            return string.Create(CultureInfo.InvariantCulture, $"{sign}{abs / 100}.{abs % 100:D2}");
        }
    }
}

public readonly record struct MoneyRange(Money Min, Money Max);
