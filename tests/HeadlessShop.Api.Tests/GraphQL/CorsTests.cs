using HeadlessShop.Api.Tests.Catalog;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace HeadlessShop.Api.Tests.GraphQL;

public sealed class CorsTests
{
    private static async Task<HttpResponseMessage> PreflightAsync(HttpClient client, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/graphql");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type,authorization");
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Production_allows_only_the_configured_storefront_origins()
    {
        var factory = new PostgresCatalogFactory();
        await factory.InitializeAsync();
        try
        {
            var client = factory.WithWebHostBuilder(b => b.UseSetting("Cors:AllowedOrigins:0", "https://shop.example")).CreateClient();

            var allowed = await PreflightAsync(client, "https://shop.example");
            Assert.Equal("https://shop.example", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.Contains("authorization", string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);

            var other = await PreflightAsync(client, "https://evil.example");
            Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
        }
        finally
        {
            await factory.DisposeAsync();
        }
    }

    [Fact]
    public async Task Embedded_mode_allows_any_origin_for_local_frontends()
    {
        var factory = new SqliteShopApiFactory();
        await factory.InitializeAsync();
        try
        {
            var response = await PreflightAsync(factory.CreateClient(), "http://localhost:3000");
            Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }
        finally
        {
            await factory.DisposeAsync();
        }
    }
}
