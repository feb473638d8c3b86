using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace HeadlessShop.Api.Tests.GraphQL;

/// <summary>The shop with <c>GraphQL:Introspection</c> switched off.</summary>
public sealed class NoIntrospectionShopApiFactory : ShopApiFactory
{
    public override TestDatabaseKind Database => TestDatabaseKind.Sqlite;

    public override int Products => 3;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder!.UseSetting("GraphQL:Introspection", "false");
    }
}

/// <summary>GraphiQL, introspection and the token limit through the real shop schema.</summary>
public sealed class GraphiQLAndIntrospectionTests(SqliteShopApiFactory factory) : IClassFixture<SqliteShopApiFactory>
{
    /// <summary>graphql-js's getIntrospectionQuery() (its defaults): what GraphiQL and most code generators send.</summary>
    internal const string FullIntrospectionQuery = """
            query IntrospectionQuery {
              __schema {

                queryType { name }
                mutationType { name }
                subscriptionType { name }
                types {
                  ...FullType
                }
                directives {
                  name
                  description

                  locations
                  args {
                    ...InputValue
                  }
                }
              }
            }

            fragment FullType on __Type {
              kind
              name
              description


              fields(includeDeprecated: true) {
                name
                description
                args {
                  ...InputValue
                }
                type {
                  ...TypeRef
                }
                isDeprecated
                deprecationReason
              }
              inputFields {
                ...InputValue
              }
              interfaces {
                ...TypeRef
              }
              enumValues(includeDeprecated: true) {
                name
                description
                isDeprecated
                deprecationReason
              }
              possibleTypes {
                ...TypeRef
              }
            }

            fragment InputValue on __InputValue {
              name
              description
              type { ...TypeRef }
              defaultValue


            }

            fragment TypeRef on __Type {
              kind
              name
              ofType {
                kind
                name
                ofType {
                  kind
                  name
                  ofType {
                    kind
                    name
                    ofType {
                      kind
                      name
                      ofType {
                        kind
                        name
                        ofType {
                          kind
                          name
                          ofType {
                            kind
                            name
                            ofType {
                              kind
                              name
                              ofType {
                                kind
                                name
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }

        """;

    [Fact]
    public async Task The_full_introspection_query_passes_every_limit_on_the_shop_schema()
    {
        var json = await ShopGraphQL.PostAsync(factory.CreateClient(), FullIntrospectionQuery);
        Assert.True(json["errors"] is null, json["errors"]?.ToJsonString());
        var types = json["data"]!["__schema"]!["types"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("Product", types);
        Assert.Contains("Cart", types);
    }

    [Fact]
    public async Task A_browser_gets_GraphiQL_opening_on_a_storefront_query_that_runs()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/graphql");
        request.Headers.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        using var page = await factory.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.True(page.Headers.Contains("Content-Security-Policy"));
        var html = await page.Content.ReadAsStringAsync();
        var encoded = System.Text.RegularExpressions.Regex.Match(html, "data-default-query=\"([^\"]*)\"").Groups[1].Value;
        var defaultQuery = WebUtility.HtmlDecode(encoded);
        Assert.Contains("products(first: 5)", defaultQuery, StringComparison.Ordinal);

        var json = await ShopGraphQL.PostAsync(factory.CreateClient(), defaultQuery);
        Assert.Null(json["errors"]);
        Assert.NotNull(json["data"]!["products"]!["nodes"]);
    }
}

/// <summary>Introspection off through the API: refused before any resolver with its own code; the SDL is 404.</summary>
public sealed class IntrospectionOffApiTests(NoIntrospectionShopApiFactory factory) : IClassFixture<NoIntrospectionShopApiFactory>
{
    [Fact]
    public async Task Introspection_is_refused_typename_and_storefront_queries_run_and_the_SDL_is_404()
    {
        var client = factory.CreateClient();
        var refused = await ShopGraphQL.PostAsync(client, GraphiQLAndIntrospectionTests.FullIntrospectionQuery);
        Assert.Null(refused["data"]);
        Assert.Equal("INTROSPECTION_DISABLED", refused["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
        var typeQuery = await ShopGraphQL.PostAsync(client, "{ products(first: 1) { totalCount } __type(name: \"Order\") { fields { name } } }");
        Assert.Null(typeQuery["data"]);
        Assert.Equal("INTROSPECTION_DISABLED", typeQuery["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());

        var storefront = await ShopGraphQL.PostAsync(client, "{ __typename products(first: 2) { nodes { __typename name } } }");
        Assert.Null(storefront["errors"]);
        Assert.Equal("Product", storefront["data"]!["products"]!["nodes"]![0]!["__typename"]!.GetValue<string>());

        using var sdl = await client.GetAsync("/graphql/schema.graphql");
        Assert.Equal(HttpStatusCode.NotFound, sdl.StatusCode);
    }
}

internal static class ShopGraphQL
{
    public static async Task<JsonNode> PostAsync(HttpClient client, string query)
    {
        using var response = await client.PostAsync("/graphql",
            new StringContent(JsonSerializer.Serialize(new { query }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
