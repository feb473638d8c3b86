using System.Text.RegularExpressions;
using HeadlessShop.Api.Tests.GraphQL;
using HeadlessShop.Bench;

namespace HeadlessShop.Api.Tests.Search.Typesense;

/// <summary>The compose stack wires Typesense into every API instance and rebuilds the index after migrating.</summary>
public sealed partial class TypesenseComposeTests
{
    [Fact]
    public async Task Api_services_get_the_Typesense_settings_and_a_one_shot_reindex_runs_after_migrate()
    {
        // docker-compose 1.29 (Debian) prints the resolved file as YAML only.
        var result = await ProcessRunner.ExecuteAsync("docker-compose", "--env-file .env.example config", TimeSpan.FromSeconds(60),
            workingDirectory: SchemaTests.RepositoryRoot());
        Assert.True(result.ExitCode == 0, result.Error);

        foreach (var api in new[] { "api1", "api2", "reindex" })
        {
            var service = Service(result.Output, api);
            Assert.Contains("Typesense__Url: http://typesense:8108", service, StringComparison.Ordinal);
            Assert.Matches(ApiKeyLine(), service);
        }
        var reindex = Service(result.Output, "reindex");
        Assert.Matches(new Regex(@"command:\s*\n\s*- reindex\n"), reindex);
        Assert.Matches(new Regex(@"migrate:\s*\n\s*condition: service_completed_successfully"), reindex);
        Assert.Matches(new Regex(@"typesense:\s*\n\s*condition: service_healthy"), reindex);
        Assert.Matches(new Regex(@"restart: ['""]?no['""]?\n"), reindex);
    }

    /// <summary>The lines of one service in the printed file: from "  name:" to the next two-space key.</summary>
    private static string Service(string yaml, string name)
    {
        var lines = yaml.ReplaceLineEndings("\n").Split('\n');
        var start = Array.FindIndex(lines, l => l == $"  {name}:");
        Assert.True(start >= 0, $"service {name} missing from docker-compose config");
        var end = Array.FindIndex(lines, start + 1, l => l.Length > 2 && l[0] == ' ' && l[1] == ' ' && l[2] != ' ' || (l.Length > 0 && l[0] != ' '));
        return string.Join('\n', lines[start..(end < 0 ? lines.Length : end)]) + "\n";
    }

    [GeneratedRegex(@"Typesense__ApiKey: \S+")]
    private static partial Regex ApiKeyLine();
}
