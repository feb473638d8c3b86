using System.Text.Json;
using HeadlessShop.Api.Catalog;

namespace HeadlessShop.Api.Tests.Catalog;

/// <summary>The option values column is read by hand on the hot path; it must read back exactly what the converter writes.</summary>
public sealed class SelectedOptionsJsonTests
{
    public static TheoryData<string[]> Cases => new()
    {
        Array.Empty<string>(),
        new[] { "Size", "M" },
        new[] { "Color", "Navy \"Deep\" \\ Blue", "Size", "XL" },
        new[] { "Größe", "Ünïcødé 👕", "Fit", "<slim> & 'tall'" },
        new[] { "Material", new string('x', 600) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reads_back_what_the_web_serializer_wrote(string[] pairs)
    {
        var options = pairs.Chunk(2).Select(p => new SelectedOption(p[0], p[1])).ToList();
        var json = JsonSerializer.Serialize(options, new JsonSerializerOptions(JsonSerializerDefaults.Web));

        Assert.Equal(options, SelectedOptionsJson.Parse(json));
    }

    [Fact]
    public void Property_names_match_case_insensitively_and_unknown_ones_are_skipped()
    {
        var parsed = SelectedOptionsJson.Parse("""[{"Name":"Size","extra":{"a":[1,2]},"VALUE":"S"}]""");
        Assert.Equal([new SelectedOption("Size", "S")], parsed);
    }

    [Fact]
    public void A_malformed_column_is_a_json_error()
    {
        Assert.ThrowsAny<JsonException>(() => SelectedOptionsJson.Parse("""{"name":"Size"}"""));
        Assert.ThrowsAny<JsonException>(() => SelectedOptionsJson.Parse("""[{"name":"Size","""));
    }
}
