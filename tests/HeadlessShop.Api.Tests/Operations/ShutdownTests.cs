using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Operations;

public sealed class ShutdownTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"hs-shutdown-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Shutting_down_during_a_long_request_lets_it_complete()
    {
        await using var app = ShopApplication.Build([
            "--urls", "http://127.0.0.1:0",
            $"--ConnectionStrings:Sqlite=Data Source={_file};Pooling=False",
            "--HeadlessShop:DemoCatalogProducts=0",
        ]);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.MapGet("/test/slow", async () =>
        {
            started.SetResult();
            await release.Task;
            return "finished";
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        var inFlight = http.GetAsync("/test/slow");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var stopping = app.StopAsync();
        Assert.False(stopping.IsCompleted, "the host stopped without waiting for the in-flight request");
        release.SetResult();

        var response = await inFlight.WaitAsync(TimeSpan.FromSeconds(20));
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("finished", await response.Content.ReadAsStringAsync());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }
}
