namespace HeadlessShop.Api.Tests.Infrastructure;

/// <summary>The shared test Redis named by HEADLESSSHOP_TEST_REDIS. Isolation is by key prefix per fixture.</summary>
public static class TestRedis
{
    public const string EnvironmentVariable = "HEADLESSSHOP_TEST_REDIS";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"These tests need a real Redis server. Set {EnvironmentVariable} (e.g. '127.0.0.1:56379') "
                + "or run scripts/test.sh, which starts one.");
}
