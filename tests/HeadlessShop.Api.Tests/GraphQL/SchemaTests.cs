using GraphQL.Types;
using GraphQLParser;
using GraphQLParser.AST;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.GraphQL;

public sealed class SchemaTests(SqliteShopApiFactory factory) : IClassFixture<SqliteShopApiFactory>
{
    /// <summary>Types of the public outline that the server implements so far; each feature adds its own.</summary>
    private static readonly string[] ImplementedOutlineTypes =
    [
        "Node", "PageInfo", "Money", "MoneyRange", "Product", "ProductVariant", "ProductOption", "SelectedOption", "Image",
        "Category", "Collection", "ProductConnection", "ProductEdge", "ProductFilter", "ProductSortKey", "ProductSort", "CurrencyCode",
        "DateTime", "Long", "Query", "UserError", "ErrorCode", "BasicUserError", "InsufficientStockError",
        "Cart", "CartLine", "Discount", "CartLineInput", "CartLineUpdateInput", "CartCreateInput", "CartLinesAddInput",
        "CartLinesUpdateInput", "CartLinesRemoveInput", "CartPayload", "CustomerRegisterInput", "CustomerLoginInput", "AuthPayload",
        "TokenRefreshInput", "Customer", "Address", "CheckoutCompleteInput", "CheckoutPayload", "Payment", "PaymentStatus", "OrderStatus",
        "Order", "OrderLine", "Shipment", "ShipmentStatus", "OrderStatusEvent", "OrderConnection", "OrderEdge", "OrderCancelInput",
        "OrderPayload", "Mutation",
    ];

    private string PrintedSchema => SchemaSdl.Print(factory.Services.GetRequiredService<ISchema>());

    [Fact]
    public void Committed_schema_matches_the_server()
    {
        var path = Path.Combine(RepositoryRoot(), "schema", "schema.graphql");
        var committed = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";
        Assert.True(committed == PrintedSchema,
            "schema/schema.graphql is out of date with the server. If the change is intended, regenerate it with:\n"
            + "  dotnet run --project src/HeadlessShop.Api -- schema print -o schema/schema.graphql\n"
            + "and review the diff (published fields need a deprecation before removal).");
    }

    [Fact]
    public void Schema_keeps_every_outline_name_argument_and_nullability_of_implemented_types()
    {
        var outline = Definitions(File.ReadAllText(Path.Combine(RepositoryRoot(), "schema", "outline.graphql")));
        var served = Definitions(PrintedSchema);
        var problems = new List<string>();
        foreach (var typeName in ImplementedOutlineTypes)
        {
            if (!served.TryGetValue(typeName, out var servedType))
            {
                problems.Add($"type {typeName} is missing");
                continue;
            }
            foreach (var (member, signature) in outline[typeName])
            {
                // Query fields of features that are not built yet are checked when their type joins the list above.
                if (typeName == "Query" && !servedType.ContainsKey(member) && !ReturnsImplementedType(signature))
                {
                    continue;
                }
                if (!servedType.TryGetValue(member, out var servedSignature))
                {
                    problems.Add($"{typeName}.{member} is missing");
                }
                else if (servedSignature != signature)
                {
                    problems.Add($"{typeName}.{member}: outline {signature}, served {servedSignature}");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static bool ReturnsImplementedType(string signature) =>
        ImplementedOutlineTypes.Any(t => signature.Split(':')[^1].Trim('[', ']', '!', ' ') == t);

    /// <summary>type name → member name → "(args): Type" with argument names, types and nullability.</summary>
    private static Dictionary<string, Dictionary<string, string>> Definitions(string sdl)
    {
        var document = Parser.Parse(sdl);
        var result = new Dictionary<string, Dictionary<string, string>>();
        foreach (var definition in document.Definitions)
        {
            var members = new Dictionary<string, string>();
            switch (definition)
            {
                case GraphQLObjectTypeDefinition o:
                    AddFields(members, o.Fields);
                    result[o.Name.StringValue] = members;
                    break;
                case GraphQLInterfaceTypeDefinition i:
                    AddFields(members, i.Fields);
                    result[i.Name.StringValue] = members;
                    break;
                case GraphQLInputObjectTypeDefinition input:
                    foreach (var field in input.Fields ?? new GraphQLInputFieldsDefinition([]))
                    {
                        members[field.Name.StringValue] = ": " + TypeText(field.Type);
                    }
                    result[input.Name.StringValue] = members;
                    break;
                case GraphQLEnumTypeDefinition e:
                    foreach (var value in e.Values ?? new GraphQLEnumValuesDefinition([]))
                    {
                        members[value.Name.StringValue] = "enum value";
                    }
                    result[e.Name.StringValue] = members;
                    break;
                case GraphQLScalarTypeDefinition s:
                    result[s.Name.StringValue] = members;
                    break;
            }
        }
        return result;
    }

    private static void AddFields(Dictionary<string, string> members, GraphQLFieldsDefinition? fields)
    {
        foreach (var field in fields ?? new GraphQLFieldsDefinition([]))
        {
            var args = field.Arguments is { Count: > 0 } list
                ? "(" + string.Join(", ", list.Items.OrderBy(a => a.Name.StringValue, StringComparer.Ordinal)
                    .Select(a => $"{a.Name.StringValue}: {TypeText(a.Type)}")) + ")"
                : "";
            members[field.Name.StringValue] = args + ": " + TypeText(field.Type);
        }
    }

    private static string TypeText(GraphQLType type) => type switch
    {
        GraphQLNonNullType nonNull => TypeText(nonNull.Type) + "!",
        GraphQLListType list => "[" + TypeText(list.Type) + "]",
        GraphQLNamedType named => named.Name.StringValue,
        _ => type.ToString() ?? "",
    };

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HeadlessShop.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("cannot find the repository root (HeadlessShop.sln)");
    }
}
