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
    SubscriptionFanoutOutcome? Subscriptions = null);
