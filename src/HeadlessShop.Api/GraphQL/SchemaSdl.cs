using GraphQL;
using GraphQL.Types;
using GraphQL.Utilities;

namespace HeadlessShop.Api.GraphQL;

/// <summary>The published SDL: what `schema print` writes to schema/schema.graphql and a test compares.</summary>
public static class SchemaSdl
{
    public static string Print(ISchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        schema.Initialize();
        var sdl = schema.Print(new PrintOptions { IncludeDescriptions = true, IncludeDeprecationReasons = true, StringComparison = StringComparison.Ordinal });
        return sdl.ReplaceLineEndings("\n").TrimEnd() + "\n";
    }
}
