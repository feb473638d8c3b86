using System.Diagnostics;
using System.Globalization;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Types;
using HeadlessShop.Api;
using HeadlessShop.GraphQL.Transport;
using HeadlessShop.GraphQL.Transport.Execution;
using HeadlessShop.GraphQL.Transport.Http;
using Microsoft.Extensions.Options;

namespace HeadlessShop.Bench;

/// <summary>
/// The in-process half of the transport-overhead benchmark (issue 4): the API's own application and database,
/// the request body read by the GraphQL serializer, execution options built by our transport
/// (<see cref="TransportExecution"/>: limits, caller, error shaping), GraphQL.NET's executor and the response
/// serialized, but no socket, no Kestrel and no HTTP middleware. <c>--connections</c> concurrent loops stand in for
/// wrk's connections. Warms up to the steady state of <see cref="SteadyState"/> (two windows agree and the tier-up JIT
/// is quiet: a fresh process measured during tier-up spent twice the CPU per request of the long-warmed API), then
/// prints the same RESULT line as scenarios/post.lua plus this process's CPU (cores) during the measured window, and a
/// RUNTIME line (GC mode, GC pauses and JIT time during that window) that shows whether it measured a steady process.
/// </summary>
internal static class InProcessRunner
{
    public static async Task<int> RunAsync(string bodyFile, int windowSeconds, int maxWarmupRounds, int durationSeconds, int concurrency)
    {
        await using var app = ShopApplication.Build(["--urls", "http://127.0.0.1:0"]);
        await app.StartAsync();
        try
        {
            var executer = app.Services.GetRequiredService<IDocumentExecuter<ISchema>>();
            var serializer = app.Services.GetRequiredService<IGraphQLTextSerializer>();
            var options = app.Services.GetRequiredService<IOptions<GraphQLTransportOptions>>().Value;
            var logger = app.Services.GetRequiredService<ILogger<GraphQLHttpMiddleware>>();
            var body = await File.ReadAllBytesAsync(bodyFile);

            async Task<bool> OnceAsync()
            {
                await using var scope = app.Services.CreateAsyncScope();
                var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
                using var input = new MemoryStream(body, writable: false);
                var request = await serializer.ReadAsync<GraphQLRequest>(input)
                    ?? throw new InvalidOperationException("the body is not a GraphQL request");
                var execution = TransportExecution.Create(request, context, context.User, options, OperationKindRule.ForPost, logger, CancellationToken.None);
                var result = await executer.ExecuteAsync(execution);
                await serializer.WriteAsync(Stream.Null, result);
                return result.Executed && result.Errors is not { Count: > 0 };
            }

            if (!await OnceAsync())
            {
                Console.Error.WriteLine("inprocess: the request failed (GraphQL errors)");
                return 1;
            }
            // The same steady-state rule as the API's warm-up (SteadyState): throughput agrees and the tier-up JIT is quiet.
            var warmup = await SteadyState.WarmAsync(async () => (await LoadAsync(OnceAsync, windowSeconds, concurrency)).Rps,
                Environment.ProcessId, windowSeconds, maxWarmupRounds);
            Console.WriteLine("WARMUP " + warmup.Describe());

            using var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var jitBefore = System.Runtime.JitInfo.GetCompilationTime();
            var tierBefore = TieredJit.Sample(Environment.ProcessId);
            var pauseBefore = GC.GetTotalPauseDuration();
            var gen0Before = GC.CollectionCount(0);
            var load = await LoadAsync(OnceAsync, durationSeconds, concurrency);
            process.Refresh();
            var cores = (process.TotalProcessorTime - cpuBefore).TotalSeconds / load.Seconds;
            var jitMs = (System.Runtime.JitInfo.GetCompilationTime() - jitBefore).TotalMilliseconds;
            var tierSeconds = TieredJit.Seconds(tierBefore, TieredJit.Sample(Environment.ProcessId));
            var pausePercent = (GC.GetTotalPauseDuration() - pauseBefore).TotalSeconds / load.Seconds * 100;
            var sorted = load.Latencies;
            double P(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT requests={sorted.Length} duration_s={load.Seconds:F3} rps={load.Rps:F1} p50_ms={P(0.50):F3} p90_ms={P(0.90):F3} p95_ms={P(0.95):F3} " +
                $"p99_ms={P(0.99):F3} max_ms={sorted.LastOrDefault():F3} err_connect=0 err_read=0 err_write=0 err_status=0 err_timeout=0 " +
                $"err_graphql={load.Failures} cpu_cores={cores:F3}"));
            // What the process did besides the requests during the measured window: JIT (all tiers) and GC pauses.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RUNTIME server_gc={(System.Runtime.GCSettings.IsServerGC ? 1 : 0)} " +
                $"gen0={GC.CollectionCount(0) - gen0Before} gc_pause_pct={pausePercent:F1} jit_ms={jitMs:F0} tier_jit_s={tierSeconds?.ToString("F2", CultureInfo.InvariantCulture) ?? "?"}"));
            return 0;
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private sealed record Load(double[] Latencies, long Failures, double Seconds)
    {
        public double Rps => Latencies.Length / Seconds;
    }

    private static async Task<Load> LoadAsync(Func<Task<bool>> once, int seconds, int concurrency)
    {
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        long failures = 0;
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>(4096);
            while (clock.Elapsed < deadline)
            {
                var started = Stopwatch.GetTimestamp();
                if (!await once())
                {
                    Interlocked.Increment(ref failures);
                }
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            return latencies;
        })).ToList();
        var all = (await Task.WhenAll(workers)).SelectMany(l => l).ToArray();
        var elapsed = clock.Elapsed.TotalSeconds;
        Array.Sort(all);
        return new Load(all, failures, elapsed);
    }
}
