using System.Diagnostics;

namespace HeadlessShop.GraphQL.Transport.Tests.Infrastructure;

/// <summary>Runs the npm referee scripts in tests/referees (installed by scripts/test.sh with <c>npm ci</c>).</summary>
public static class Referees
{
    public static string Directory { get; } = Path.Combine(FindRepositoryRoot(), "tests", "referees");

    public static async Task<(int ExitCode, string Output)> RunNodeAsync(string script, params string[] arguments)
    {
        Assert.True(System.IO.Directory.Exists(Path.Combine(Directory, "node_modules")),
            "tests/referees/node_modules is missing: run scripts/test.sh (it runs npm ci there).");
        var start = new ProcessStartInfo("node") { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HeadlessShop.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("HeadlessShop.sln not found above the test binaries.");
    }
}
