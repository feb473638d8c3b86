using HeadlessShop.Api.Tests.Infrastructure;

namespace HeadlessShop.Api.Tests.Catalog;

/// <summary>PostgreSQL with 120 demo products, shared by the read-only catalog tests of one class.</summary>
public sealed class PostgresCatalogFactory : ShopApiFactory;
