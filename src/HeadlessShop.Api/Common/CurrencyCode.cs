namespace HeadlessShop.Api.Common;

/// <summary>ISO 4217 currencies the shop accepts. All of them have two minor-unit digits.</summary>
public enum CurrencyCode
{
    USD,
    EUR,
    GBP,
}
