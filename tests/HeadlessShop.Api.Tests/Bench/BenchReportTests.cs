using HeadlessShop.Bench;

namespace HeadlessShop.Api.Tests.Bench;

/// <summary>The results writer and the warm-up rule, without running wrk: reports are built from measurements here.</summary>
public sealed class BenchReportTests
{
    [Fact]
    public void Cart_add_is_judged_by_its_weakest_catalog_size_and_every_size_is_shown()
    {
        var report = Report([
            Measured("cart-add", "cart", 1) with { CatalogSize = 1_000, Load = Load(1900) },
            Measured("cart-add", "cart", 1) with { CatalogSize = 10_000, Load = Load(2100) },
            Measured("cart-add", "cart", 1) with { CatalogSize = 100_000, Load = Load(2050) },
        ]);

        var row = Assert.Single(TargetRows(ResultsWriter.Markdown(report, null)), r => r.StartsWith("| cart add ", StringComparison.Ordinal));

        Assert.Equal("| cart add >= 2,000 req/s | 1900.0 req/s (weakest of 1900.0 / 2100.0 / 2050.0 at 1,000 / 10,000 / 100,000 products) | MISSED: 100.0 req/s short |", row);
    }

    [Fact]
    public void Quick_leaves_the_micro_benchmark_the_fan_out_and_the_overhead_pair_out_unless_named_and_the_full_run_has_them()
    {
        var quick = BenchOptions.Parse(["--quick"]);
        var full = BenchOptions.Parse([]);
        var named = BenchOptions.Parse(["--quick", "--only", "micro,listing-20"]);

        Assert.False(quick.IncludesExtra("micro") || quick.IncludesExtra("subscriptions"));
        Assert.True(quick.Includes("listing-20") && quick.Includes("cart-add"));
        Assert.True(full.IncludesExtra("micro") && full.IncludesExtra("subscriptions"));
        Assert.True(named.IncludesExtra("micro"));
        Assert.False(named.IncludesExtra("subscriptions"));
        Assert.False(BenchOptions.Parse(["--smoke"]).IncludesExtra("micro"));

        // The transport-overhead pair: full and smoke runs (the smoke test checks it), --quick only when named.
        Assert.False(quick.IncludesOverheadPair);
        Assert.True(full.IncludesOverheadPair && BenchOptions.Parse(["--smoke"]).IncludesOverheadPair);
        Assert.True(BenchOptions.Parse(["--quick", "--only", "small-inprocess"]).IncludesOverheadPair);
        Assert.False(named.IncludesOverheadPair);
    }

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

    [Theory]
    [InlineData(new[] { 1709.0, 1746.0 }, new[] { 0.8, 0.75 }, 3, false)] // agreeing plateau while the JIT is still tiering up (the old rule stopped here)
    [InlineData(new[] { 3536.0, 3682.0 }, new[] { 0.04, 0.03 }, 3, true)]
    [InlineData(new[] { 2864.0, 3536.0 }, new[] { 0.40, 0.04 }, 3, false)] // quiet JIT, but throughput still climbing
    [InlineData(new[] { 3369.0 }, new[] { 0.0 }, 3, false)] // one round is never steady
    [InlineData(new[] { 900.0, 930.0 }, new[] { 0.20, 0.04 }, 2, true)] // within 2% of a 2 s window plus one tick (0.05 s)
    [InlineData(new[] { 900.0, 930.0 }, new[] { 0.04, 0.07 }, 2, false)]
    public void Steady_needs_two_rounds_that_agree_within_5_percent_and_a_quiet_tier_up_jit(double[] rps, double[] jit, int window, bool steady)
    {
        var rounds = rps.Zip(jit, (r, j) => new SteadyState.Round(r, j)).ToList();
        Assert.Equal(steady, SteadyState.IsSteady(rounds, window));
    }

    [Fact]
    public void Without_a_jit_reading_steady_falls_back_to_throughput_alone()
    {
        Assert.True(SteadyState.IsSteady([new SteadyState.Round(1000, null), new SteadyState.Round(1040, null)], 3));
        Assert.False(SteadyState.IsSteady([new SteadyState.Round(1000, null), new SteadyState.Round(1100, null)], 3));
    }

    [Fact]
    public async Task Warm_up_stops_at_the_first_steady_round_and_is_bounded_otherwise()
    {
        var windows = new Queue<double>([500, 900, 920, 930]);
        // pid 0 has no /proc entry: no JIT reading, throughput decides.
        var steady = await SteadyState.WarmAsync(() => Task.FromResult(windows.Dequeue()), 0, 2, 8);
        Assert.True(steady.Steady);
        Assert.Equal([500.0, 900.0, 920.0], steady.Rounds.Select(r => r.RequestsPerSecond));
        Assert.StartsWith("6 s, steady: 500 → 900 → 920 req/s", steady.Describe(), StringComparison.Ordinal);

        var climbing = 100.0;
        var bounded = await SteadyState.WarmAsync(() => Task.FromResult(climbing *= 2), 0, 2, 4);
        Assert.False(bounded.Steady);
        Assert.Equal(4, bounded.Rounds.Count);
        Assert.Contains("NOT steady after 4 rounds", bounded.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Tier_up_jit_counts_new_worker_threads_whole_and_ignores_exited_ones()
    {
        var before = new Dictionary<int, long> { [10] = 50, [11] = 7 };
        var after = new Dictionary<int, long> { [10] = 62, [12] = 3 };
        Assert.Equal(0.15, TieredJit.Seconds(before, after)!.Value, 6);
        Assert.Null(TieredJit.Seconds(null, after));
        // This process is a .NET process on Linux: /proc is readable (the worker may or may not be running right now).
        Assert.NotNull(TieredJit.Sample(Environment.ProcessId));
    }

    [Fact]
    public void Cpu_ticks_are_read_after_the_command_name_even_when_it_holds_spaces_and_parentheses()
    {
        const string stat = "4242 (.NET Tiered Com) S 1 4242 4242 0 -1 4194368 12 0 0 0 17 5 0 0 20 0 1 0 123 0 0";
        Assert.Equal(22, ProcessRunner.CpuTicks(stat));
        Assert.Equal(9, ProcessRunner.CpuTicks("7 (a) b)) S 1 7 7 0 -1 0 0 0 0 0 4 5 0 0"));
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
