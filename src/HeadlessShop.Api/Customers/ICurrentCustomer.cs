namespace HeadlessShop.Api.Customers;

/// <summary>
/// Who is calling, for the current request. Features ask this instead of reading tokens themselves;
/// authentication decides how it is filled. Anonymous callers have no id.
/// </summary>
public interface ICurrentCustomer
{
    /// <summary>The signed-in customer's database id, or null for an anonymous caller.</summary>
    long? Id { get; }

    bool IsAuthenticated => Id is not null;

    /// <summary>Staff: the access token carries the admin role claim.</summary>
    bool IsAdmin => false;
}

/// <summary>The caller before authentication exists or when no valid token was sent.</summary>
public sealed class AnonymousCustomer : ICurrentCustomer
{
    public long? Id => null;
}
