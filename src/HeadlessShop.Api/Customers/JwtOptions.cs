using System.ComponentModel.DataAnnotations;

namespace HeadlessShop.Api.Customers;

/// <summary>Bound from the <c>Jwt</c> section.</summary>
public sealed class JwtOptions
{
    public const string SectionName = "Jwt";
    public const int MinimumKeyBytes = 32;

    /// <summary>HMAC-SHA256 key, at least 32 bytes of UTF-8. Required in Production; embedded mode generates one per run.</summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "headlessshop";
    public string Audience { get; set; } = "headlessshop-storefront";

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "00:05:00", "365.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>Bound from the <c>LoginThrottling</c> section: failed sign-ins allowed per window before refusing.</summary>
public sealed class LoginThrottlingOptions
{
    public const string SectionName = "LoginThrottling";

    [Range(1, 1000)]
    public int MaxFailuresPerEmail { get; set; } = 5;

    [Range(1, 100_000)]
    public int MaxFailuresPerClient { get; set; } = 30;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}
