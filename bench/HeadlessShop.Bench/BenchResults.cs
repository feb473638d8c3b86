namespace HeadlessShop.Bench;

/// <summary>One measured scenario at one catalog size.</summary>
public sealed record Measurement(
    string Scenario,
    string Group,
    int CatalogSize,
    WrkResult Load,
    int? SqlStatements,
    int ResponseBytes,
    double ServerCpuCores,
    double UnloadedMs,
    string? CacheControl = null);

public sealed record PeerFigure(string Case, double RequestsPerSecond, double P50Ms, double P99Ms, int? SqlStatements, string Source);

public sealed record BenchReport(
    string Profile,
    DateTime StartedUtc,
    string Commit,
    string Machine,
    int Connections,
    int DurationSeconds,
    List<Measurement> Measurements,
    double PeakRssMb,
    List<string> Notes,
    List<PeerFigure> Vendure,
    string? MicroBenchmarks,
    FlashSaleOutcome? FlashSale = null,
    SubscriptionFanoutOutcome? Subscriptions = null)
{
    /// <summary>The scenarios --only selected (null: all of them).</summary>
    public IReadOnlyList<string>? Only { get; init; }

    /// <summary>Scenarios this build cannot run (no such field or mutation in its schema).</summary>
    public IReadOnlyList<string> Unavailable { get; init; } = [];

    /// <summary>Why a scenario has no measurement: the build lacks it, --only left it out, or it failed (see the notes).</summary>
    public string WhyNotMeasured(string scenario) =>
        Unavailable.Contains(scenario) ? "not in this build"
        : Only is not null && !Only.Contains(scenario) ? "not measured in this run (--only)"
        : "not measured (see the notes)";
}
