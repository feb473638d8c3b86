namespace HeadlessShop.Bench;

internal static class BenchProgram
{
    /// <summary>
    /// bench/run.sh [--quick | --smoke] [--results DIR] [--sizes 1000,10000] [--duration S] [--vendure];
    /// `subscriptions [--count N] [--results DIR]` (the fan-out scenario alone, SubscriptionFanout.cs);
    /// internally also `reference --url URL --payload FILE`, the in-memory ceiling server the harness starts, and
    /// `inprocess --body FILE --window S --warmup-rounds N --duration S --connections C`, the in-process transport-overhead run.
    /// </summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "reference")
        {
            string Value(string name) => args[Array.IndexOf(args, name) + 1];
            await ReferenceServer.RunAsync(Value("--url"), Value("--payload"));
            return 0;
        }
        if (args.Length > 0 && args[0] == "inprocess")
        {
            int Number(string name) => int.Parse(args[Array.IndexOf(args, name) + 1], System.Globalization.CultureInfo.InvariantCulture);
            return await InProcessRunner.RunAsync(args[Array.IndexOf(args, "--body") + 1], Number("--window"), Number("--warmup-rounds"),
                Number("--duration"), Number("--connections"));
        }
        if (args.Length > 0 && args[0] == "subscriptions")
        {
            return await SubscriptionFanout.MainAsync(args);
        }
        return await new BenchRunner(BenchOptions.Parse(args)).RunAsync();
    }
}
