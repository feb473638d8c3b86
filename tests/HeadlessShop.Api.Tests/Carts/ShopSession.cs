using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Carts;

/// <summary>
/// PostgreSQL + Redis app for cart and customer tests. The test server has no socket, so a startup filter plays the
/// network: the peer address comes from the <c>X-Test-Peer</c> header (loopback by default, like nginx on the same host).
/// </summary>
public class CartsFactory : ShopApiFactory
{
    public override int Products => 30;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, TestPeerStartupFilter>());
    }

    /// <summary>A variant (the n-th by id) with exactly <paramref name="onHand"/> units for sale.</summary>
    public async Task<(string Id, long Key, long PriceMinor)> VariantAsync(int n, int onHand)
    {
        var contexts = Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var variant = await db.ProductVariants.AsNoTracking().OrderBy(v => v.Id).Skip(n).FirstAsync();
        await db.StockLevels.Where(s => s.VariantId == variant.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.OnHand, onHand).SetProperty(x => x.Reserved, 0).SetProperty(x => x.Version, x => x.Version + 1));
        return (GlobalId.Encode(NodeKind.ProductVariant, variant.Id), variant.Id, variant.PriceMinor);
    }

    /// <summary>Prices the variant in another currency (the demo catalog is all USD).</summary>
    public async Task SetCurrencyAsync(long variantId, Common.CurrencyCode currency)
    {
        var contexts = Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        Assert.Equal(1, await db.ProductVariants.Where(v => v.Id == variantId).ExecuteUpdateAsync(s => s.SetProperty(v => v.Currency, currency)));
    }

    public HttpClient Client(string? accessToken = null, string? peer = null)
    {
        var client = CreateClient();
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
        if (peer is not null)
        {
            client.DefaultRequestHeaders.Add(TestPeerStartupFilter.Header, peer);
        }
        return client;
    }

    public async Task<(string AccessToken, string RefreshToken, string CustomerId)> RegisterAsync(string email, string password = "correct horse 1")
    {
        var response = await Client().GraphQLAsync(
            "mutation($i: CustomerRegisterInput!) { customerRegister(input: $i) { accessToken refreshToken customer { id } userErrors { code message } } }",
            new { i = new { email, password } });
        var payload = response.OkData()["customerRegister"]!;
        Assert.Empty(payload["userErrors"]!.AsArray());
        return (payload["accessToken"]!.GetValue<string>(), payload["refreshToken"]!.GetValue<string>(), payload["customer"]!["id"]!.GetValue<string>());
    }
}

internal sealed class TestPeerStartupFilter : IStartupFilter
{
    public const string Header = "X-Test-Peer";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((HttpContext context, Func<Task> nextMiddleware) =>
        {
            context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(
                context.Request.Headers.TryGetValue(Header, out var peer) ? peer.ToString() : "127.0.0.1");
            return nextMiddleware();
        });
        next(app);
    };
}

internal static class CartQueries
{
    public const string CartFields = "id totalQuantity subtotal { minorUnits currencyCode } total { minorUnits } currencyCode expiresAt "
        + "lines { id quantity variant { id } lineTotal { minorUnits } } "
        + "warnings { code field ... on InsufficientStockError { requested available } }";

    public const string Errors = "userErrors { code message field ... on InsufficientStockError { variant { id } requested available } }";

    public const string Create = $"mutation($i: CartCreateInput) {{ cartCreate(input: $i) {{ cart {{ {CartFields} }} {Errors} }} }}";
    public const string Add = $"mutation($i: CartLinesAddInput!) {{ cartLinesAdd(input: $i) {{ cart {{ {CartFields} }} {Errors} }} }}";
    public const string Update = $"mutation($i: CartLinesUpdateInput!) {{ cartLinesUpdate(input: $i) {{ cart {{ {CartFields} }} {Errors} }} }}";
    public const string Remove = $"mutation($i: CartLinesRemoveInput!) {{ cartLinesRemove(input: $i) {{ cart {{ {CartFields} }} {Errors} }} }}";
    public const string Read = $"query($id: ID!) {{ cart(id: $id) {{ {CartFields} }} }}";

    public static async Task<JsonNode> CreateCartAsync(this HttpClient client, params (string VariantId, int Quantity)[] lines)
    {
        var response = await client.GraphQLAsync(Create, new { i = new { lines = lines.Select(l => new { variantId = l.VariantId, quantity = l.Quantity }) } });
        var payload = response.OkData()["cartCreate"]!;
        Assert.Empty(payload["userErrors"]!.AsArray());
        return payload["cart"]!;
    }

    public static async Task<JsonNode> AddAsync(this HttpClient client, string cartId, params (string VariantId, int Quantity)[] lines) =>
        (await client.GraphQLAsync(Add, new { i = new { cartId, lines = lines.Select(l => new { variantId = l.VariantId, quantity = l.Quantity }) } }))
        .OkData()["cartLinesAdd"]!;

    public static string[] Codes(this JsonNode payload) =>
        payload["userErrors"]!.AsArray().Select(e => e!["code"]!.GetValue<string>()).ToArray();
}
