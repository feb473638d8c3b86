using System.ComponentModel.DataAnnotations;

namespace HeadlessShop.Api.Data;

public enum ShopMode
{
    /// <summary>SQLite file, in-memory stores, demo catalog: nothing to install.</summary>
    Embedded,

    /// <summary>PostgreSQL, Redis, Typesense and Stripe, all configured explicitly.</summary>
    Production,
}

/// <summary>Bound from the <c>HeadlessShop</c> section (<c>HeadlessShop__Mode</c> in the environment).</summary>
public sealed class ShopOptions
{
    public const string SectionName = "HeadlessShop";

    public ShopMode Mode { get; set; } = ShopMode.Embedded;

    /// <summary>Products the embedded mode seeds into an empty database on first start.</summary>
    [Range(0, 100_000)]
    public int DemoCatalogProducts { get; set; } = 240;

    /// <summary>Start even when migrations are pending (tests migrate after the host is built). Never in production.</summary>
    public bool SkipMigrationCheck { get; set; }
}
