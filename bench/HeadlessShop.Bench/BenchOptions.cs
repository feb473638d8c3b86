using System.Globalization;

namespace HeadlessShop.Bench;

/// <summary>
/// How big and how long: --quick (under 5 minutes), the default full run, or --smoke (seconds; for the test).
/// For A/B comparisons of two builds: --api DIR/HeadlessShop.Api.dll runs a build published elsewhere instead of
/// publishing this tree, and --only a,b,c runs just those scenarios (names as in the results, "micro" for BenchmarkDotNet).
/// </summary>
public sealed record BenchOptions(
    string Profile,
    IReadOnlyList<int> CatalogSizes,
    IReadOnlyList<int> PageSizes,
    int WarmupSeconds,
    int DurationSeconds,
    int Connections,
    string? ResultsDirectory,
    bool RunVendure,
    IReadOnlyList<string>? Only = null,
    string? ApiDll = null)
{
    public const int MaxDurationSeconds = 60;

    /// <summary>Whether a scenario (or "micro" for BenchmarkDotNet) runs: all of them unless --only names some.</summary>
    public bool Includes(string scenario) => Only is null || Only.Contains(scenario);

    /// <summary>
    /// The extras, BenchmarkDotNet ("micro") and the subscription fan-out ("subscriptions"), run in the full run or when
    /// --only names them: --quick leaves them out to stay under 5 minutes (`bench/run.sh subscriptions` runs the fan-out alone).
    /// </summary>
    public bool IncludesExtra(string name) => Only is null ? Profile == "full" : Only.Contains(name);

    /// <summary>
    /// The transport-overhead pair (small-http and the in-process runner, about 65 s) runs in the full and smoke runs or
    /// when --only names one of them: --quick leaves it out to stay under 5 minutes.
    /// </summary>
    public bool IncludesOverheadPair => Only is null ? Profile != "quick" : Only.Contains("small-http") || Only.Contains("small-inprocess");

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = args.Contains("--smoke")
            ? new BenchOptions("smoke", [200], [10, 20], 1, 1, 4, null, false)
            : args.Contains("--quick")
                ? new BenchOptions("quick", [10_000], [10, 20, 50, 100], 2, 5, 20, null, false)
                : new BenchOptions("full", [1_000, 10_000, 100_000], [10, 20, 50, 100], 3, 10, 20, null, false);
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--results" when i + 1 < args.Count:
                    options = options with { ResultsDirectory = args[++i] };
                    break;
                case "--duration" when i + 1 < args.Count:
                    options = options with { DurationSeconds = Math.Clamp(int.Parse(args[++i], CultureInfo.InvariantCulture), 1, MaxDurationSeconds) };
                    break;
                case "--sizes" when i + 1 < args.Count:
                    options = options with { CatalogSizes = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList() };
                    break;
                case "--only" when i + 1 < args.Count:
                    options = options with { Only = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
                    break;
                case "--api" when i + 1 < args.Count:
                    options = options with { ApiDll = Path.GetFullPath(args[++i]) };
                    break;
                case "--vendure":
                    options = options with { RunVendure = true };
                    break;
            }
        }
        return options;
    }
}
