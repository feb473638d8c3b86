using HeadlessShop.Api.Customers;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Customers;

public sealed class JwtConfigurationTests
{
    private static string[] Production(params string[] extra) =>
    [
        "--urls", "http://127.0.0.1:0",
        "--HeadlessShop:Mode=Production",
        "--ConnectionStrings:Postgres=Host=127.0.0.1;Database=unused",
        "--ConnectionStrings:Redis=127.0.0.1:1",
        .. extra,
    ];

    [Theory]
    [InlineData(null)]
    [InlineData("too-short-key")]
    public void Production_refuses_to_start_without_a_strong_signing_key(string? key)
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            ShopApplication.Build(key is null ? Production() : Production($"--Jwt:SigningKey={key}")));

        Assert.Contains("Jwt__SigningKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embedded_mode_generates_a_key_per_run_so_tokens_do_not_outlive_the_process()
    {
        var file = Path.Combine(Path.GetTempPath(), $"hs-jwt-{Guid.NewGuid():N}.db");
        string[] args = ["--urls", "http://127.0.0.1:0", $"--ConnectionStrings:Sqlite=Data Source={file};Pooling=False", "--HeadlessShop:DemoCatalogProducts=0"];
        var customer = new Customer { Id = 5, Email = "a@example.com", NormalizedEmail = "A@EXAMPLE.COM", PasswordHash = "" };
        try
        {
            await using var first = ShopApplication.Build(args);
            await using var second = ShopApplication.Build(args);
            var token = first.Services.GetRequiredService<AccessTokenService>().Issue(customer).Token;

            var own = await first.Services.GetRequiredService<AccessTokenService>().ValidateAsync(token);
            Assert.Equal(5, AccessTokenService.CustomerIdOf(own!));
            Assert.Null(await second.Services.GetRequiredService<AccessTokenService>().ValidateAsync(token));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Tokens_are_rejected_once_expired_and_admins_carry_the_role()
    {
        var time = new Carts.ManualTimeProvider();
        var options = Microsoft.Extensions.Options.Options.Create(new JwtOptions { SigningKey = new string('k', 40) });
        var service = new AccessTokenService(options, time);
        var admin = new Customer { Id = 9, Email = "staff@example.com", NormalizedEmail = "STAFF@EXAMPLE.COM", PasswordHash = "", IsAdmin = true };

        var token = service.Issue(admin).Token;
        var principal = await service.ValidateAsync(token);
        Assert.True(AccessTokenService.IsAdmin(principal!));

        time.Advance(TimeSpan.FromMinutes(16));
        Assert.Null(await service.ValidateAsync(token));
        Assert.Null(await service.ValidateAsync("not.a.jwt"));
    }
}
