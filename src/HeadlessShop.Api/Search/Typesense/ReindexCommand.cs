using System.CommandLine;
using Spectre.Console;

namespace HeadlessShop.Api.Search.Typesense;

/// <summary><c>reindex</c>: rebuilds the Typesense index without downtime, with a progress bar; a no-op for the database engine.</summary>
internal static class ReindexCommand
{
    public static Command Create(Func<Func<WebApplication, Task<int>>, Task<int>> withApp, Func<WebApplication, Task<int>> ensureSchema)
    {
        var reindex = new Command("reindex",
            "Rebuild the Typesense index: new collection, import in batches, swap the alias, drop the old collection. Searches keep answering.");
        reindex.SetAction(async (_, ct) => await withApp(async app =>
        {
            var indexer = app.Services.GetService<TypesenseSearchIndexer>();
            if (indexer is null)
            {
                AnsiConsole.MarkupLine("[green]Typesense is not configured (Typesense:Url):[/] search uses the database engine, "
                    + "which reads the catalog tables directly and needs no reindex.");
                return 0;
            }
            var code = await ensureSchema(app);
            return code != 0 ? code : await RunAsync(indexer, ct);
        }));
        return reindex;
    }

    private static async Task<int> RunAsync(TypesenseSearchIndexer indexer, CancellationToken cancellationToken)
    {
        var indexed = 0;
        try
        {
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async progressContext =>
                {
                    var task = progressContext.AddTask("Indexing products into Typesense", maxValue: 1);
                    await indexer.ReindexAsync(new ImmediateProgress(p =>
                    {
                        task.MaxValue = Math.Max(1, p.Total);
                        task.Value = p.Indexed;
                        indexed = p.Indexed;
                    }), cancellationToken);
                    task.Value = task.MaxValue;
                });
        }
        catch (TypesenseException ex)
        {
            await Console.Error.WriteLineAsync($"error: reindex failed, the previous index keeps serving: {ex.Message}");
            return 1;
        }
        AnsiConsole.MarkupLine($"[green]Done:[/] {indexed} product(s) indexed; the alias points at the new collection and the old one is dropped.");
        return 0;
    }

    /// <summary>Reports on the reporting thread, in order (Progress&lt;T&gt; posts to the thread pool, out of order).</summary>
    private sealed class ImmediateProgress(Action<ReindexProgress> report) : IProgress<ReindexProgress>
    {
        public void Report(ReindexProgress value) => report(value);
    }
}
