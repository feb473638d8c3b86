using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Orders;

namespace HeadlessShop.Api.Admin;

public sealed record ProductOptionInput(string Name, IReadOnlyList<string> Values);

/// <summary>Variant fields as given; null means "not given" (for updates: unchanged). <see cref="HasCompareAtPrice"/> tells an explicit null apart.</summary>
public sealed record VariantFields(
    string? Sku,
    string? Name,
    MoneyInput? Price,
    MoneyInput? CompareAtPrice,
    bool HasCompareAtPrice,
    IReadOnlyList<SelectedOption>? SelectedOptions,
    int? OnHand);

public sealed record ProductCreateInput(
    string Name,
    string? Slug,
    string? Description,
    string? Brand,
    string? CategoryId,
    IReadOnlyList<string>? CollectionIds,
    IReadOnlyList<ProductOptionInput>? Options,
    IReadOnlyList<VariantFields>? Variants);

/// <summary>Null fields stay as they are; <c>Has*</c> flags tell "clear it" (explicit null) from "not given".</summary>
public sealed record ProductUpdateInput(
    string Id,
    string? Name,
    string? Slug,
    string? Description,
    string? Brand,
    bool HasBrand,
    string? CategoryId,
    bool HasCategoryId,
    IReadOnlyList<ProductOptionInput>? Options);

public sealed record VariantCreateInput(string ProductId, VariantFields Fields);

public sealed record VariantUpdateInput(string Id, VariantFields Fields);

public sealed record CategoryInput(string? Id, string? Name, string? Slug, string? ParentId, bool HasParentId, int? Position);

public sealed record CollectionInput(string? Id, string? Name, string? Slug);

public sealed record CollectionProductsInput(string CollectionId, IReadOnlyList<string> ProductIds);

public sealed record DeleteInput(string Id);

/// <summary>What a catalog mutation hands back: the changed object, or null with the reasons it was refused.</summary>
public sealed record AdminResult<T>(T? Value, IReadOnlyList<UserError> UserErrors)
    where T : class
{
    public static AdminResult<T> Ok(T value) => new(value, []);

    public static AdminResult<T> Refused(IReadOnlyList<UserError> errors) => new(null, errors);

    public static AdminResult<T> Refused(UserError error) => new(null, [error]);
}

public sealed record DeleteResult(string? DeletedId, IReadOnlyList<UserError> UserErrors)
{
    public static DeleteResult Refused(UserError error) => new(null, [error]);
}
