using System.Globalization;

namespace HeadlessShop.Bench;

/// <summary>How big and how long: --quick (under 5 minutes), the default full run, or --smoke (seconds; for the test).</summary>
public sealed record BenchOptions(
    string Profile,
    IReadOnlyList<int> CatalogSizes,
    IReadOnlyList<int> PageSizes,
    int WarmupSeconds,
    int DurationSeconds,
    int Connections,
    string? ResultsDirectory,
    bool RunVendure)
{
    public const int MaxDurationSeconds = 60;

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
                case "--vendure":
                    options = options with { RunVendure = true };
                    break;
            }
        }
        return options;
    }
}
