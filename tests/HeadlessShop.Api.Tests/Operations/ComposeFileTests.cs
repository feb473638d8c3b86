using HeadlessShop.Bench;
using HeadlessShop.Api.Tests.GraphQL;

namespace HeadlessShop.Api.Tests.Operations;

/// <summary>docker-compose.yml must stay valid although no container engine runs here: `docker-compose config`.</summary>
public sealed class ComposeFileTests
{
    [Fact]
    public async Task Compose_file_validates_and_runs_the_whole_stack()
    {
        var root = SchemaTests.RepositoryRoot();
        var (code, output, error) = await RunAsync(root, "--env-file .env.example --profile observability config");
        Assert.True(code == 0, $"docker-compose config failed ({code}): {error}");

        foreach (var service in new[] { "postgres:", "redis:", "typesense:", "migrate:", "api1:", "api2:", "nginx:", "jaeger:", "prometheus:" })
        {
            Assert.Contains("  " + service, output, StringComparison.Ordinal);
        }
        Assert.Contains("service_completed_successfully", output, StringComparison.Ordinal);
        Assert.Contains("appendonly", output, StringComparison.Ordinal);
        Assert.Contains("postgres:16", output, StringComparison.Ordinal);

        var nginx = await File.ReadAllTextAsync(Path.Combine(root, "deploy", "nginx.conf"));
        Assert.Contains("proxy_set_header Upgrade $http_upgrade", nginx, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compose_refuses_to_start_without_secrets()
    {
        var empty = Path.GetTempFileName();
        try
        {
            var (code, _, error) = await RunAsync(SchemaTests.RepositoryRoot(), $"--env-file {empty} config -q");
            Assert.NotEqual(0, code);
            Assert.Contains("POSTGRES_PASSWORD", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(empty);
        }
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string directory, string arguments)
    {
        try
        {
            var result = await ProcessRunner.ExecuteAsync("docker-compose", arguments, TimeSpan.FromSeconds(60), workingDirectory: directory);
            return (result.ExitCode, result.Output, result.Error);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("docker-compose is not installed: run scripts/test.sh (it installs the Debian docker-compose package) or apt-get install docker-compose.");
        }
    }
}
