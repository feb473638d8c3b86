using System.Text;
using GraphQL.Types;
using HeadlessShop.Api.Admin;
using HeadlessShop.Api.Infrastructure.Events;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Admin;

/// <summary>
/// Walks the schema for every field marked admin-only and calls each one as an anonymous caller, as a customer and as
/// staff: the first two are refused (UNAUTHORIZED, FORBIDDEN) before anything runs, staff get through.
/// </summary>
public sealed class RoleWalkTests(AdminFactory factory) : IClassFixture<AdminFactory>
{
    private static readonly string[] Known =
    [
        "Query.orders", "Query.customers",
        "Mutation.orderShip", "Mutation.orderDeliver", "Mutation.orderRefund",
        "Mutation.productCreate", "Mutation.productUpdate", "Mutation.productDelete",
        "Mutation.variantCreate", "Mutation.variantUpdate", "Mutation.variantDelete",
        "Mutation.categoryCreate", "Mutation.categoryUpdate", "Mutation.categoryDelete",
        "Mutation.collectionCreate", "Mutation.collectionUpdate", "Mutation.collectionDelete",
        "Mutation.collectionAddProducts", "Mutation.collectionRemoveProducts", "Mutation.stockAdjust",
    ];

    private List<(string Root, FieldType Field)> AdminFields()
    {
        var schema = factory.Services.GetRequiredService<ISchema>();
        schema.Initialize();
        var marked = schema.AllTypes.OfType<IComplexGraphType>()
            .SelectMany(t => t.Fields.Where(f => f.IsAdminOnly()).Select(f => (Type: t, Field: f)))
            .ToList();
        // Every admin field is a root field, so a document can reach it directly; nested ones would need a walk here.
        Assert.All(marked, m => Assert.True(m.Type == schema.Query || m.Type == schema.Mutation, $"{m.Type.Name}.{m.Field.Name} is not a root field"));
        return marked.Select(m => (m.Type.Name, (FieldType)m.Field)).ToList();
    }

    [Fact]
    public void The_admin_fields_include_every_staff_operation()
    {
        var names = AdminFields().Select(f => $"{f.Root}.{f.Field.Name}").ToList();
        Assert.NotEmpty(names);
        Assert.All(Known, known => Assert.Contains(known, names));
    }

    [Fact]
    public async Task Every_admin_field_refuses_anonymous_and_customer_callers_and_lets_staff_through()
    {
        var fields = AdminFields();
        var (customerToken, _, _) = await factory.RegisterAsync($"walker-{Guid.NewGuid():N}@example.com");
        var anonymous = factory.Client();
        var customer = factory.Client(customerToken);
        var staff = await factory.AdminAsync();
        var eventsBefore = await factory.DbAsync(db => db.Set<OutboxMessage>().CountAsync());

        foreach (var (root, field) in fields)
        {
            var document = Document(root, field);
            var asAnonymous = await anonymous.GraphQLAsync(document);
            var asCustomer = await customer.GraphQLAsync(document);
            Assert.True("UNAUTHORIZED" == asAnonymous.FirstErrorCode(), $"{field.Name} as anonymous: {asAnonymous.Body.ToJsonString()}");
            Assert.True("FORBIDDEN" == asCustomer.FirstErrorCode(), $"{field.Name} as customer: {asCustomer.Body.ToJsonString()}");
            Assert.Equal(System.Net.HttpStatusCode.OK, asAnonymous.Http.StatusCode);
        }
        // Refused calls changed nothing: not one event was written by them.
        Assert.Equal(eventsBefore, await factory.DbAsync(db => db.Set<OutboxMessage>().CountAsync()));

        foreach (var (root, field) in fields)
        {
            var asStaff = await staff.GraphQLAsync(Document(root, field));
            var codes = asStaff.Errors?.Select(e => e?["extensions"]?["code"]?.GetValue<string>()).ToList() ?? [];
            Assert.True(!codes.Contains("UNAUTHORIZED") && !codes.Contains("FORBIDDEN") && !codes.Contains("INTERNAL_SERVER_ERROR"),
                $"{field.Name} as staff: {asStaff.Body.ToJsonString()}");
        }
    }

    /// <summary>A document calling the field with made-up values for its required arguments (valid GraphQL, not valid data).</summary>
    private static string Document(string root, FieldType field)
    {
        var arguments = (field.Arguments ?? []).Where(a => a.ResolvedType is NonNullGraphType).Select(a => $"{a.Name}: {Literal(a.ResolvedType!)}").ToList();
        var call = new StringBuilder(field.Name);
        if (arguments.Count > 0)
        {
            call.Append('(').Append(string.Join(", ", arguments)).Append(')');
        }
        if (Unwrap(field.ResolvedType!) is IComplexGraphType)
        {
            call.Append(" { __typename }");
        }
        return (root == "Mutation" ? "mutation" : "query") + " { " + call + " }";
    }

    private static IGraphType Unwrap(IGraphType type) => type switch
    {
        NonNullGraphType nonNull => Unwrap(nonNull.ResolvedType!),
        ListGraphType list => Unwrap(list.ResolvedType!),
        _ => type,
    };

    private static string Literal(IGraphType type) => type switch
    {
        NonNullGraphType nonNull => Literal(nonNull.ResolvedType!),
        ListGraphType list => "[" + Literal(list.ResolvedType!) + "]",
        IdGraphType or StringGraphType => "\"x\"",
        IntGraphType or LongGraphType => "1",
        BooleanGraphType => "false",
        DateTimeGraphType => "\"2026-01-01T00:00:00Z\"",
        EnumerationGraphType enumeration => enumeration.Values.First().Name,
        IInputObjectGraphType input => "{ " + string.Join(" ", input.Fields.Where(f => f.ResolvedType is NonNullGraphType)
            .Select(f => $"{f.Name}: {Literal(f.ResolvedType!)}")) + " }",
        _ => throw new InvalidOperationException($"No literal for {type.Name}"),
    };
}
