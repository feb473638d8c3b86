using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Search;

namespace HeadlessShop.Api.Tests.Search;

public sealed class SearchTextTests
{
    [Theory]
    [InlineData("snekers", "sneakers", 1)]
    [InlineData("chelsae", "chelsea", 1)]
    [InlineData("blu", "blue", 1)]
    [InlineData("jacket", "jacket", 0)]
    [InlineData("parkka", "parka", 1)]
    [InlineData("boots", "shirt", 4)] // more than the bound: bound + 1
    public void Edit_distance_counts_insertions_deletions_substitutions_and_adjacent_swaps_once(string a, string b, int expected) =>
        Assert.Equal(expected, SearchText.EditDistance(a, b, max: 3));

    [Fact]
    public void Edit_distance_stops_early_beyond_the_bound() =>
        Assert.Equal(3, SearchText.EditDistance("backpack", "balaclava", max: 2));

    [Fact]
    public void Corrections_replace_only_the_corrected_words_and_keep_everything_else()
    {
        const string text = "Blu  \"oxford\" shirt";
        var words = SearchText.Words(text);
        var analysed = words.Select((w, i) => new QueryWord(w.Word, w.Index, w.Length, i == 0 ? WordStatus.Corrected : WordStatus.Known, i == 0 ? "blue" : null)).ToList();

        Assert.Equal("blue  \"oxford\" shirt", SearchText.Corrected(text, analysed));
        Assert.Null(SearchText.Corrected(text, analysed.Select(w => w with { Status = WordStatus.Known, Correction = null }).ToList()));
    }

    [Theory]
    [InlineData("backp", true)]
    [InlineData("red backp", true)]
    [InlineData("backp ", false)]
    [InlineData("\"red backp", false)]
    [InlineData("red -backp", false)]
    public void Only_a_plain_last_word_at_the_very_end_is_an_open_prefix(string text, bool open) =>
        Assert.Equal(open, SearchText.LastWordIsOpen(text, SearchText.Words(text)[^1]));

    [Fact]
    public void Search_cursors_round_trip_and_other_tokens_are_rejected()
    {
        Assert.Equal(40, SearchCursor.Decode(SearchCursor.Encode(40), "after"));
        var productCursor = GlobalId.Encode(NodeKind.Product, 40);
        var error = Assert.Throws<BadUserInputException>(() => SearchCursor.Decode(productCursor, "input.after"));
        Assert.Equal("input.after", error.Data["argument"]);
        Assert.Throws<BadUserInputException>(() => SearchCursor.Decode(SearchCursor.Encode(SearchCursor.MaxOffset + 1), "input.after"));
    }
}
