using System.Globalization;
using System.Text.RegularExpressions;

namespace HeadlessShop.Bench;

/// <summary>One load run as measured by wrk through scenarios/post.lua's RESULT line.</summary>
public sealed record WrkResult(
    long Requests,
    double DurationSeconds,
    double RequestsPerSecond,
    double P50Ms,
    double P90Ms,
    double P95Ms,
    double P99Ms,
    double MaxMs,
    long SocketErrors,
    long Non2xx,
    long Timeouts,
    long GraphQLErrors)
{
    public long Errors => SocketErrors + Non2xx + Timeouts + GraphQLErrors;
}

public static partial class WrkOutput
{
    /// <summary>Parses the RESULT line; throws with the whole output when wrk printed none (it failed to run).</summary>
    public static WrkResult Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
            ?? throw new FormatException($"wrk printed no RESULT line:\n{output}");
        var values = Pair().Matches(line).ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        double Get(string key) => values.TryGetValue(key, out var v) ? v : throw new FormatException($"RESULT line lacks {key}: {line}");
        return new WrkResult(
            (long)Get("requests"),
            Get("duration_s"),
            Get("rps"),
            Get("p50_ms"),
            Get("p90_ms"),
            Get("p95_ms"),
            Get("p99_ms"),
            Get("max_ms"),
            (long)(Get("err_connect") + Get("err_read") + Get("err_write")),
            (long)Get("err_status"),
            (long)Get("err_timeout"),
            (long)Get("err_graphql"));
    }

    [GeneratedRegex(@"(\w+)=(-?[0-9]+(?:\.[0-9]+)?)")]
    private static partial Regex Pair();
}
