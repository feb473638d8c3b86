using System.Globalization;

namespace HeadlessShop.Bench;

/// <summary>
/// Warm-up in rounds until a process is in its steady state. A fresh .NET process runs tier-0 (then instrumented)
/// code and recompiles its hot methods in the background for tens of seconds under load: measured here, the runtime's
/// tiered-compilation worker used 25-30% of a core for the first 20+ s of the in-process runner. Throughput alone is a
/// poor signal on a shared 2-core machine: two early windows can agree within 5% on a plateau while the JIT is still
/// busy (the in-process runner stopped at 1709 → 1746 req/s and then measured 2318). So a round is steady when its
/// throughput agrees with the previous round within <see cref="Tolerance"/> AND the tiered-compilation worker of the
/// measured process was (nearly) idle during it. Bounded: at most the given number of rounds.
/// </summary>
internal static class SteadyState
{
    public const double Tolerance = 0.05;

    /// <summary>Tier-up JIT CPU allowed in a steady window, as a share of one core over the window (plus one clock tick).</summary>
    public const double QuietJitShare = 0.02;

    public sealed record Round(double RequestsPerSecond, double? JitSeconds);

    public sealed record Outcome(IReadOnlyList<Round> Rounds, double WindowSeconds, bool Steady)
    {
        public double Seconds => Rounds.Count * WindowSeconds;

        /// <summary>"12 s, steady: 486 → 640 → 654 req/s; tier-up JIT 1.20 → 0.31 → 0.00 s CPU per window".</summary>
        public string Describe()
        {
            var rps = string.Join(" → ", Rounds.Select(r => r.RequestsPerSecond.ToString("F0", CultureInfo.InvariantCulture)));
            var jit = Rounds.All(r => r.JitSeconds is null)
                ? "tier-up JIT not observable"
                : "tier-up JIT " + string.Join(" → ", Rounds.Select(r => r.JitSeconds?.ToString("F2", CultureInfo.InvariantCulture) ?? "?")) + " s CPU per window";
            var verdict = Steady ? "steady" : $"NOT steady after {Rounds.Count} round{(Rounds.Count == 1 ? "" : "s")} (the bound)";
            return string.Create(CultureInfo.InvariantCulture, $"{Seconds:F0} s, {verdict}: {rps} req/s; {jit}");
        }
    }

    /// <summary>Two rounds at least; the last one within the tolerance of the one before and with a quiet JIT.</summary>
    public static bool IsSteady(IReadOnlyList<Round> rounds, double windowSeconds)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        if (rounds.Count < 2)
        {
            return false;
        }
        var (last, previous) = (rounds[^1], rounds[^2]);
        var agrees = Math.Abs(last.RequestsPerSecond - previous.RequestsPerSecond) <= Tolerance * previous.RequestsPerSecond;
        // No reading (not Linux, or the runtime named its worker differently): throughput is the only signal left.
        var jitQuiet = last.JitSeconds is not { } jit || jit <= (QuietJitShare * windowSeconds) + TieredJit.TickSeconds;
        return agrees && jitQuiet;
    }

    /// <summary>
    /// Runs <paramref name="window"/> (one load window of <paramref name="windowSeconds"/>, returning its req/s) until
    /// <see cref="IsSteady"/> or <paramref name="maxRounds"/>, reading the tier-up JIT of process <paramref name="pid"/>
    /// around each window.
    /// </summary>
    public static async Task<Outcome> WarmAsync(Func<Task<double>> window, int pid, double windowSeconds, int maxRounds)
    {
        ArgumentNullException.ThrowIfNull(window);
        var rounds = new List<Round>();
        while (rounds.Count < Math.Max(1, maxRounds))
        {
            var before = TieredJit.Sample(pid);
            var rps = await window();
            rounds.Add(new Round(rps, TieredJit.Seconds(before, TieredJit.Sample(pid))));
            if (IsSteady(rounds, windowSeconds))
            {
                return new Outcome(rounds, windowSeconds, true);
            }
        }
        return new Outcome(rounds, windowSeconds, false);
    }
}

/// <summary>
/// CPU used by the runtime's tiered-compilation worker (the thread that recompiles hot methods with full
/// optimisation; Linux shows it as ".NET Tiered Com" in /proc/PID/task/TID/comm). The worker exits after a few
/// seconds idle and a new one starts on demand, so a sample keeps CPU ticks per thread id: a thread that appears
/// between two samples counts whole. Windows shorter than the worker's idle timeout (TC_BackgroundWorkerTimeoutMs, 4 s by default) lose nothing.
/// </summary>
internal static class TieredJit
{
    public const double TickSeconds = 0.01;
    private const string WorkerName = ".NET Tiered Com";

    /// <summary>utime + stime in clock ticks per worker thread; null when /proc cannot be read.</summary>
    public static Dictionary<int, long>? Sample(int pid)
    {
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks))
        {
            return null;
        }
        var workers = new Dictionary<int, long>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories(tasks))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') != WorkerName
                        || !int.TryParse(Path.GetFileName(task), NumberStyles.None, CultureInfo.InvariantCulture, out var tid))
                    {
                        continue;
                    }
                    workers[tid] = ProcessRunner.CpuTicks(File.ReadAllText(Path.Combine(task, "stat")));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // The thread exited while being read.
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return workers;
    }

    /// <summary>Worker CPU seconds between two samples (null when either is missing).</summary>
    public static double? Seconds(Dictionary<int, long>? before, Dictionary<int, long>? after)
    {
        if (before is null || after is null)
        {
            return null;
        }
        return after.Sum(w => Math.Max(0, w.Value - before.GetValueOrDefault(w.Key))) * TickSeconds;
    }
}
