using HeadlessShop.Bench;

namespace HeadlessShop.Api.Tests.Bench;

/// <summary>The results writer without running wrk: reports are built from measurements here.</summary>
public sealed class BenchReportTests
{
    [Fact]
    public void An_only_run_says_not_measured_in_this_run_for_scenarios_left_out_and_not_in_this_build_only_for_missing_features()
    {
        var only = Report([Measured("listing-20", "listing", 4), Measured("ref-engine", "reference", 0)]) with
        {
            Only = ["listing-20", "ref-engine"],
            Unavailable = ["peer-search", "search"],
        };

        var targets = TargetRows(ResultsWriter.Markdown(only, null));

        Assert.Contains(targets, row => row.StartsWith("| listing >= 60% of the engine ceiling | ", StringComparison.Ordinal) && !row.Contains("not measured", StringComparison.Ordinal));
        Assert.Contains("| search p95 <= 30 ms at 100,000 products (database engine) | not measured | search: not in this build |", targets);
        Assert.Contains("| cart add >= 2,000 req/s | not measured | cart-add: not measured in this run (--only) |", targets);
        Assert.Contains("| flash sale: 0 oversells, >= 300 checkouts/s | not measured | flash-sale: not measured in this run (--only) |", targets);
        Assert.Contains("| persisted GET listing >= listing | not measured | listing-persisted: not measured in this run (--only) |", targets);
        // "not in this build" is kept for what the build cannot run: here only search.
        Assert.Single(targets, row => row.Contains("not in this build", StringComparison.Ordinal));
    }

    [Fact]
    public void A_full_run_says_not_in_this_build_for_a_missing_feature_and_points_to_the_notes_for_a_failed_scenario()
    {
        var report = Report([Measured("listing-20", "listing", 4), Measured("ref-engine", "reference", 0), Measured("small-http", "overhead", 1)]) with
        {
            Unavailable = ["cart-add", "flash-sale"],
        };

        var markdown = ResultsWriter.Markdown(report, null);
        var targets = TargetRows(markdown);

        Assert.Contains("| cart add >= 2,000 req/s | not measured | cart-add: not in this build |", targets);
        Assert.Contains("| flash sale: 0 oversells, >= 300 checkouts/s | not measured | flash-sale: not in this build |", targets);
        // search is in the build and was selected: it failed, and the notes say why.
        Assert.Contains("| search p95 <= 30 ms at 100,000 products (database engine) | not measured | search: not measured (see the notes) |", targets);
        Assert.DoesNotContain(targets, row => row.Contains("(--only)", StringComparison.Ordinal));
        Assert.Contains("| in-process: executor + transport execution | not measured (see the notes) |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Transport_overhead_keeps_the_honest_wording_when_the_in_process_runner_is_the_slower_path()
    {
        var report = Report([
            Measured("small-http", "overhead", 1) with { Load = Load(4560), ServerCpuCores = 1.32 },
            Measured("small-inprocess", "overhead", null) with { Load = Load(2318), ServerCpuCores = 1.61 },
        ]);

        var markdown = ResultsWriter.Markdown(report, null);

        Assert.Contains("the in-process runner spent", markdown, StringComparison.Ordinal);
        Assert.Contains("does not isolate the transport's cost", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("the HTTP stack adds -", markdown, StringComparison.Ordinal);
    }

    private static BenchReport Report(List<Measurement> measurements) =>
        new("quick", DateTime.UnixEpoch, "abc1234", "test machine", 20, 5, measurements, 300, [], [], null);

    private static Measurement Measured(string scenario, string group, int? sql) =>
        new(scenario, group, 10_000, Load(1000), sql, 1000, 1.0, 1.0);

    private static WrkResult Load(double rps) => new((long)(rps * 5), 5, rps, 5, 8, 9, 12, 30, 0, 0, 0, 0);

    private static List<string> TargetRows(string markdown)
    {
        var section = markdown[markdown.IndexOf("## Targets", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 5, StringComparison.Ordinal)];
        return [.. section.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| target ", StringComparison.Ordinal))];
    }
}
