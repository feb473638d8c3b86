using HeadlessShop.Api.Admin;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Admin;

public sealed class StaffAccountTests(AdminFactory factory) : IClassFixture<AdminFactory>
{
    private const string Me = "{ orders(first: 1) { totalCount } }";
    private const string Refresh = "mutation($i: TokenRefreshInput!) { tokenRefresh(input: $i) { accessToken userErrors { code } } }";

    [Fact]
    public async Task A_new_staff_account_signs_in_through_customer_login_and_gets_the_admin_role()
    {
        var admin = await factory.AdminAsync();

        Assert.Null((await admin.GraphQLAsync(Me)).Errors);
    }

    [Fact]
    public async Task Promoting_a_customer_resets_the_password_and_signs_out_their_sessions()
    {
        var email = $"promoted-{Guid.NewGuid():N}@example.com";
        var (customerToken, refreshToken, _) = await factory.RegisterAsync(email);
        Assert.Equal("FORBIDDEN", (await factory.Client(customerToken).GraphQLAsync(Me)).FirstErrorCode());

        var result = await factory.Services.GetRequiredService<StaffAccounts>().CreateOrPromoteAsync(email.ToUpperInvariant(), "new staff pass 2", default);

        Assert.Equal(StaffAccountOutcome.Promoted, result.Outcome);
        var oldPassword = (await factory.Client().GraphQLAsync(AdminFactory.Login, new { i = new { email, password = "correct horse 1" } })).OkData()["customerLogin"]!;
        Assert.Equal("INVALID_CREDENTIALS", oldPassword["userErrors"]![0]!["code"]!.GetValue<string>());
        Assert.Equal("UNAUTHORIZED", (await factory.Client().GraphQLAsync(Refresh, new { i = new { refreshToken } })).OkData()["tokenRefresh"]!["userErrors"]![0]!["code"]!.GetValue<string>());
        var login = (await factory.Client().GraphQLAsync(AdminFactory.Login, new { i = new { email, password = "new staff pass 2" } })).OkData()["customerLogin"]!;
        Assert.Null((await factory.Client(login["accessToken"]!.GetValue<string>()).GraphQLAsync(Me)).Errors);
    }

    [Theory]
    [InlineData("not-an-email", "long enough 1")]
    [InlineData("staff@example.com", "short1")]
    [InlineData("staff@example.com", "onlyletters")]
    public async Task Bad_emails_and_weak_passwords_are_refused(string email, string password)
    {
        var result = await factory.Services.GetRequiredService<StaffAccounts>().CreateOrPromoteAsync(email, password, default);

        Assert.Null(result.Outcome);
        Assert.NotNull(result.Problem);
    }

    [Fact]
    public async Task The_cli_reads_the_password_from_redirected_input_and_never_from_an_argument()
    {
        Assert.Equal("pipe secret 9", await PasswordReader.ReadRedirectedAsync(new StringReader("pipe secret 9\nignored"), default));
        Assert.Null(await PasswordReader.ReadRedirectedAsync(new StringReader(""), default));
        var command = AdminCommand.Create(_ => Task.FromResult(0));
        var create = Assert.Single(command.Subcommands);
        Assert.Equal(["--email"], create.Options.Select(o => o.Name));
        Assert.Empty(create.Arguments);
    }
}
