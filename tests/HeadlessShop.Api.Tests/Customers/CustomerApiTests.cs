using System.Text.Json.Nodes;
using HeadlessShop.Api.Tests.Carts;
using HeadlessShop.Api.Tests.Infrastructure;

namespace HeadlessShop.Api.Tests.Customers;

public sealed class CustomerApiTests(CartsFactory factory) : IClassFixture<CartsFactory>
{
    private const string Login = "mutation($i: CustomerLoginInput!) { customerLogin(input: $i) { accessToken refreshToken expiresAt customer { id email cart { id lines { quantity variant { id } } } } userErrors { code message field ... on InsufficientStockError { requested available } } } }";
    private const string Refresh = "mutation($t: String!) { tokenRefresh(input: { refreshToken: $t }) { accessToken refreshToken userErrors { code } } }";
    private const string Me = "{ me { id email firstName cart { id } } }";

    private static string Email() => $"shopper-{Guid.NewGuid():N}@example.com";

    private async Task<GraphQLResponse> LoginAsync(string email, string password, string? cartId = null, string? peer = null, string? forwardedFor = null)
    {
        var client = factory.Client(peer: peer);
        if (forwardedFor is not null)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }
        return await client.GraphQLAsync(Login, new { i = new { email, password, cartId } });
    }

    [Fact]
    public async Task Registered_customer_signs_in_and_sees_themselves_through_me()
    {
        var email = Email();
        var registered = await factory.RegisterAsync(email);
        var me = (await factory.Client(registered.AccessToken).GraphQLAsync(Me)).OkData()["me"]!;
        Assert.Equal(email, me["email"]!.GetValue<string>());
        Assert.Equal(registered.CustomerId, me["id"]!.GetValue<string>());

        var login = (await LoginAsync(email.ToUpperInvariant(), "correct horse 1")).OkData()["customerLogin"]!;
        Assert.Empty(login["userErrors"]!.AsArray());
        Assert.Equal(registered.CustomerId, login["customer"]!["id"]!.GetValue<string>());
        Assert.NotNull(login["accessToken"]);
        Assert.True(login["expiresAt"]!.GetValue<DateTime>() < DateTime.UtcNow.AddMinutes(16));

        Assert.Null((await factory.Client().GraphQLAsync(Me)).OkData()["me"]);
        Assert.Null((await factory.Client(registered.AccessToken[..^3] + "abc").GraphQLAsync(Me)).OkData()["me"]);
    }

    [Fact]
    public async Task Email_is_unique_ignoring_case_and_passwords_follow_the_policy()
    {
        var email = Email();
        await factory.RegisterAsync(email);
        const string register = "mutation($i: CustomerRegisterInput!) { customerRegister(input: $i) { accessToken userErrors { code field } } }";

        var duplicate = (await factory.Client().GraphQLAsync(register, new { i = new { email = email.ToUpperInvariant(), password = "another pass 2" } })).OkData()["customerRegister"]!;
        Assert.Equal(["EMAIL_TAKEN"], duplicate.Codes());
        Assert.Null(duplicate["accessToken"]);

        foreach (var weak in new[] { "short1", "onlyletters", new string('a', 129) + "1" })
        {
            var refused = (await factory.Client().GraphQLAsync(register, new { i = new { email = Email(), password = weak } })).OkData()["customerRegister"]!;
            Assert.Equal(["INVALID_INPUT"], refused.Codes());
        }
        var badEmail = (await factory.Client().GraphQLAsync(register, new { i = new { email = "not an email", password = "good pass 1" } })).OkData()["customerRegister"]!;
        Assert.Equal(["INVALID_INPUT"], badEmail.Codes());
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_email_create_one_account()
    {
        var email = Email();
        const string register = "mutation($i: CustomerRegisterInput!) { customerRegister(input: $i) { accessToken userErrors { code } } }";
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            factory.Client().GraphQLAsync(register, new { i = new { email, password = "correct horse 1" } }))));

        var payloads = attempts.Select(a => a.OkData()["customerRegister"]!).ToList();
        Assert.Single(payloads, p => p["accessToken"] is not null);
        Assert.All(payloads.Where(p => p["accessToken"] is null), p => Assert.Equal(["EMAIL_TAKEN"], p.Codes()));
    }

    [Fact]
    public async Task Wrong_password_and_unknown_email_give_the_same_answer()
    {
        var email = Email();
        await factory.RegisterAsync(email);

        var wrongPassword = (await LoginAsync(email, "wrong password 1", peer: "10.0.0.1")).OkData()["customerLogin"]!;
        var unknownEmail = (await LoginAsync(Email(), "wrong password 1", peer: "10.0.0.1")).OkData()["customerLogin"]!;

        Assert.Equal(wrongPassword["userErrors"]!.ToJsonString(), unknownEmail["userErrors"]!.ToJsonString());
        Assert.Equal(["INVALID_CREDENTIALS"], wrongPassword.Codes());
        Assert.Null(wrongPassword["accessToken"]);
        Assert.Null(unknownEmail["customer"]);
    }

    [Fact]
    public async Task Failed_logins_are_throttled_per_email_even_for_the_right_password()
    {
        var email = Email();
        await factory.RegisterAsync(email);
        for (var i = 0; i < 5; i++)
        {
            // A different client each time: only the per-email counter can stop this.
            Assert.Equal(["INVALID_CREDENTIALS"], (await LoginAsync(email, "guess " + i, peer: $"10.1.0.{i + 1}")).OkData()["customerLogin"]!.Codes());
        }

        var blocked = await LoginAsync(email, "correct horse 1", peer: "10.1.1.1");

        Assert.Equal("RATE_LIMITED", blocked.FirstErrorCode());
        Assert.Null(blocked.Data?["customerLogin"]);
    }

    [Fact]
    public async Task Failed_logins_are_throttled_per_client_address_forwarded_by_a_trusted_proxy()
    {
        var victim = Email();
        await factory.RegisterAsync(victim);
        for (var i = 0; i < 30; i++)
        {
            // Through the loopback proxy (nginx), from one client, against many emails.
            var attempt = await LoginAsync(Email(), "guess", forwardedFor: "198.51.100.7");
            Assert.Equal(["INVALID_CREDENTIALS"], attempt.OkData()["customerLogin"]!.Codes());
        }

        Assert.Equal("RATE_LIMITED", (await LoginAsync(victim, "correct horse 1", forwardedFor: "198.51.100.7")).FirstErrorCode());
        // Another client behind the same proxy is not punished.
        Assert.Empty((await LoginAsync(victim, "correct horse 1", forwardedFor: "198.51.100.8")).OkData()["customerLogin"]!.Codes());
        // A client that is not a trusted proxy cannot dodge its own limit by claiming another address.
        for (var i = 0; i < 30; i++)
        {
            await LoginAsync(Email(), "guess", peer: "203.0.113.9", forwardedFor: $"192.0.2.{i + 1}");
        }
        Assert.Equal("RATE_LIMITED", (await LoginAsync(victim, "correct horse 1", peer: "203.0.113.9", forwardedFor: "192.0.2.200")).FirstErrorCode());
    }

    [Fact]
    public async Task Reusing_a_rotated_refresh_token_revokes_its_whole_family()
    {
        var first = await factory.RegisterAsync(Email());
        var client = factory.Client();

        var second = (await client.GraphQLAsync(Refresh, new { t = first.RefreshToken })).OkData()["tokenRefresh"]!;
        Assert.Empty(second.Codes());
        var third = (await client.GraphQLAsync(Refresh, new { t = second["refreshToken"]!.GetValue<string>() })).OkData()["tokenRefresh"]!;
        Assert.Empty(third.Codes());
        Assert.NotNull((await factory.Client(third["accessToken"]!.GetValue<string>()).GraphQLAsync(Me)).OkData()["me"]);

        var reuse = (await client.GraphQLAsync(Refresh, new { t = first.RefreshToken })).OkData()["tokenRefresh"]!;
        Assert.Equal(["UNAUTHORIZED"], reuse.Codes());
        Assert.Null(reuse["accessToken"]);

        var newest = (await client.GraphQLAsync(Refresh, new { t = third["refreshToken"]!.GetValue<string>() })).OkData()["tokenRefresh"]!;
        Assert.Equal(["UNAUTHORIZED"], newest.Codes());
        Assert.Equal(["UNAUTHORIZED"], (await client.GraphQLAsync(Refresh, new { t = "made-up" })).OkData()["tokenRefresh"]!.Codes());
    }

    [Fact]
    public async Task Concurrent_refreshes_of_one_token_yield_at_most_one_new_token()
    {
        var session = await factory.RegisterAsync(Email());
        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
            factory.Client().GraphQLAsync(Refresh, new { t = session.RefreshToken }))));

        Assert.Single(attempts, a => a.OkData()["tokenRefresh"]!["refreshToken"] is not null);
    }

    [Fact]
    public async Task Another_customers_cart_and_profile_are_invisible_through_every_path()
    {
        var variant = await factory.VariantAsync(10, onHand: 50);
        var alice = await factory.RegisterAsync(Email());
        var bob = await factory.RegisterAsync(Email());
        var aliceClient = factory.Client(alice.AccessToken);
        var aliceCart = await aliceClient.CreateCartAsync((variant.Id, 2));
        var cartId = aliceCart["id"]!.GetValue<string>();
        Assert.Equal(cartId, (await aliceClient.GraphQLAsync(Me)).OkData()["me"]!["cart"]!["id"]!.GetValue<string>());

        foreach (var intruder in new[] { factory.Client(bob.AccessToken), factory.Client() })
        {
            Assert.Null((await intruder.GraphQLAsync(CartQueries.Read, new { id = cartId })).OkData()["cart"]);
            Assert.Null((await intruder.GraphQLAsync("query($id: ID!) { node(id: $id) { id } }", new { id = cartId })).OkData()["node"]);
            Assert.Null((await intruder.GraphQLAsync("query($id: ID!) { node(id: $id) { id } }", new { id = alice.CustomerId })).OkData()["node"]);
            Assert.Null((await intruder.GraphQLAsync("query($id: ID!) { nodes(ids: [$id]) { id } }", new { id = alice.CustomerId })).OkData()["nodes"]![0]);
            var add = await intruder.AddAsync(cartId, (variant.Id, 1));
            Assert.Equal(["CART_NOT_FOUND"], add.Codes());
            Assert.Null(add["cart"]);
            var merge = (await intruder.GraphQLAsync(Login, new { i = new { email = "x@example.com", password = "nope nope 1", cartId } })).OkData()["customerLogin"]!;
            Assert.Null(merge["customer"]);
        }
        Assert.NotEqual(cartId, (await factory.Client(bob.AccessToken).GraphQLAsync(Me)).OkData()["me"]!["cart"]?["id"]?.GetValue<string>());

        var ownCart = (await aliceClient.GraphQLAsync("query($id: ID!) { node(id: $id) { ... on Cart { totalQuantity } } }", new { id = cartId })).OkData()["node"]!;
        Assert.Equal(2, ownCart["totalQuantity"]!.GetValue<int>());
        var own = (await aliceClient.GraphQLAsync("query($id: ID!) { node(id: $id) { ... on Customer { email } } }", new { id = alice.CustomerId })).OkData()["node"]!;
        Assert.NotNull(own["email"]);
        var data = (await aliceClient.GraphQLAsync(CartQueries.Read, new { id = cartId })).OkData()["cart"]!;
        Assert.Equal(2, data["lines"]![0]!["quantity"]!.GetValue<int>());
    }

    [Fact]
    public async Task Login_merges_the_anonymous_cart_summing_quantities_capped_at_availability()
    {
        var shared = await factory.VariantAsync(11, onHand: 4);
        var onlyAnonymous = await factory.VariantAsync(12, onHand: 10);
        var email = Email();
        var session = await factory.RegisterAsync(email);
        await factory.Client(session.AccessToken).CreateCartAsync((shared.Id, 3));
        var anonymous = await factory.Client().CreateCartAsync((shared.Id, 2), (onlyAnonymous.Id, 1));
        var anonymousId = anonymous["id"]!.GetValue<string>();

        var login = (await LoginAsync(email, "correct horse 1", anonymousId)).OkData()["customerLogin"]!;

        var capped = Assert.Single(login["userErrors"]!.AsArray())!;
        Assert.Equal("INSUFFICIENT_STOCK", capped["code"]!.GetValue<string>());
        Assert.Equal(5, capped["requested"]!.GetValue<int>());
        Assert.Equal(4, capped["available"]!.GetValue<int>());
        var lines = login["customer"]!["cart"]!["lines"]!.AsArray();
        Assert.Equal([(shared.Id, 4), (onlyAnonymous.Id, 1)], lines.Select(l => (l!["variant"]!["id"]!.GetValue<string>(), l["quantity"]!.GetValue<int>())));
        Assert.Null((await factory.Client().GraphQLAsync(CartQueries.Read, new { id = anonymousId })).OkData()["cart"]);

        // Merging the same (now deleted) cart again changes nothing.
        var again = (await LoginAsync(email, "correct horse 1", anonymousId)).OkData()["customerLogin"]!;
        Assert.Equal(["CART_NOT_FOUND"], again.Codes());
        Assert.Equal(4, again["customer"]!["cart"]!["lines"]![0]!["quantity"]!.GetValue<int>());
    }

    [Fact]
    public async Task Login_without_a_customer_cart_adopts_the_anonymous_lines()
    {
        var variant = await factory.VariantAsync(13, onHand: 10);
        var email = Email();
        await factory.RegisterAsync(email);
        var anonymousId = (await factory.Client().CreateCartAsync((variant.Id, 2)))["id"]!.GetValue<string>();

        var login = (await LoginAsync(email, "correct horse 1", anonymousId)).OkData()["customerLogin"]!;

        Assert.Empty(login["userErrors"]!.AsArray());
        Assert.Equal(2, login["customer"]!["cart"]!["lines"]![0]!["quantity"]!.GetValue<int>());
        var token = login["accessToken"]!.GetValue<string>();
        var me = (await factory.Client(token).GraphQLAsync(Me)).OkData()["me"]!;
        Assert.Equal(login["customer"]!["cart"]!["id"]!.GetValue<string>(), me["cart"]!["id"]!.GetValue<string>());
    }
}
