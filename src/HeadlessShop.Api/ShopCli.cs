using System.CommandLine;
using GraphQL;
using GraphQL.Types;
using HeadlessShop.Api.Catalog.Seeding;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Infrastructure.Events;
using HeadlessShop.Api.Search.Typesense;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;

namespace HeadlessShop.Api;

/// <summary>
/// One executable, several commands: <c>serve</c> (default), <c>migrate</c>, <c>seed</c>, <c>reindex</c>, <c>schema print</c>.
/// Commands other than serve build the same application (same configuration) without starting the server.
/// </summary>
public static class ShopCli
{
    private static readonly string[] CommandNames = ["serve", "migrate", "seed", "schema", "health", "events", "reindex", "--help", "-h", "-?", "--version"];

    // EF Core logs the expected "no history table yet" probe of a fresh database as an error; commands print their own outcome.
    private static readonly string[] CommandHostArguments = ["--Logging:LogLevel:Microsoft.EntityFrameworkCore=None"];

    public static async Task<int> RunAsync(string[] args)
    {
        // Anything that is not a command (no arguments, or host arguments such as --urls) serves the API.
        if (args.Length == 0 || !CommandNames.Contains(args[0]))
        {
            await ShopApplication.Build(args).RunAsync();
            return 0;
        }
        return await BuildRootCommand().Parse(args).InvokeAsync();
    }

    private static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("HeadlessShop: GraphQL commerce API. Without a command it serves the API.");

        var serve = new Command("serve", "Run the API server (the default). Host arguments such as --urls pass through.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        serve.SetAction(async (parse, _) =>
        {
            await ShopApplication.Build(parse.UnmatchedTokens.ToArray()).RunAsync();
            return 0;
        });

        var migrate = new Command("migrate", "Apply pending database migrations (PostgreSQL) or create the SQLite schema (embedded).");
        migrate.SetAction(async (_, ct) => await WithAppAsync(async app => await EnsureSchemaAsync(app, apply: true, ct)));

        var productsOption = new Option<int>("--products")
        {
            Description = "How many demo products to ensure exist (1..N; existing ones are kept).",
            DefaultValueFactory = _ => 1000,
        };
        productsOption.Validators.Add(result =>
        {
            var value = result.GetValue(productsOption);
            if (value is < 1 or > 1_000_000)
            {
                result.AddError("--products must be between 1 and 1000000.");
            }
        });
        var variantsOption = new Option<int?>("--variants")
        {
            Description = $"Exactly this many variants per product (1..{DemoCatalog.MaxVariants}) instead of the catalog's natural 1-6.",
        };
        variantsOption.Validators.Add(result =>
        {
            if (result.GetValue(variantsOption) is < 1 or > DemoCatalog.MaxVariants)
            {
                result.AddError($"--variants must be between 1 and {DemoCatalog.MaxVariants}.");
            }
        });
        var seed = new Command("seed", "Seed the deterministic demo catalog (idempotent).") { productsOption, variantsOption };
        seed.SetAction(async (parse, ct) =>
            await WithAppAsync(async app => await SeedAsync(app, parse.GetValue(productsOption), parse.GetValue(variantsOption), ct)));

        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write the SDL to this file instead of standard output." };
        var print = new Command("print", "Print the GraphQL schema (SDL) exactly as the server serves it.") { output };
        print.SetAction(async (parse, ct) => await WithAppAsync(async app => await PrintSchemaAsync(app, parse.GetValue(output), ct)));
        var schema = new Command("schema", "Schema tools.") { print };

        var url = new Option<Uri>("--url")
        {
            Description = "Liveness endpoint to probe.",
            DefaultValueFactory = _ => new Uri("http://127.0.0.1:8080/healthz"),
        };
        var health = new Command("health", "Probe a running instance's /healthz; exit code 0 when it answers 200 (container health checks).") { url };
        health.SetAction(async (parse, ct) => await ProbeAsync(parse.GetValue(url)!, ct));

        root.Subcommands.Add(serve);
        root.Subcommands.Add(health);
        root.Subcommands.Add(migrate);
        root.Subcommands.Add(seed);
        root.Subcommands.Add(schema);
        root.Subcommands.Add(EventsCommand.Create(WithAppAsync));
        root.Subcommands.Add(ReindexCommand.Create(WithAppAsync, app => EnsureSchemaAsync(app, apply: false, CancellationToken.None)));
        return root;
    }

    private static async Task<int> WithAppAsync(Func<WebApplication, Task<int>> action)
    {
        await using var app = ShopApplication.Build(CommandHostArguments);
        try
        {
            return await action(app);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or Npgsql.NpgsqlException or Microsoft.Data.Sqlite.SqliteException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> ProbeAsync(Uri url, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(url, cancellationToken);
            await Console.Out.WriteLineAsync($"{url}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"{url}: {ex.Message}");
            return 1;
        }
    }

    /// <summary>
    /// Brings the schema up to date: SQLite is created in place; PostgreSQL migrations are applied when
    /// <paramref name="apply"/>, otherwise their absence is required (seeding never migrates behind your back).
    /// </summary>
    private static async Task<int> EnsureSchemaAsync(WebApplication app, bool apply, CancellationToken cancellationToken)
    {
        var contexts = app.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ShopCli));
            await EmbeddedSchema.EnsureCurrentAsync(db, logger, cancellationToken);
            if (apply)
            {
                AnsiConsole.MarkupLine("[green]SQLite schema is ready.[/]");
            }
            return 0;
        }
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (!apply)
        {
            if (pending.Count == 0)
            {
                return 0;
            }
            await Console.Error.WriteLineAsync($"error: {pending.Count} migration(s) pending; run `migrate` first.");
            return 1;
        }
        await db.Database.MigrateAsync(cancellationToken);
        AnsiConsole.MarkupLine(pending.Count == 0
            ? "[green]Database is up to date.[/]"
            : $"[green]Applied {pending.Count} migration(s):[/] {Markup.Escape(string.Join(", ", pending))}");
        return 0;
    }

    private static async Task<int> SeedAsync(WebApplication app, int products, int? variants, CancellationToken cancellationToken)
    {
        var code = await EnsureSchemaAsync(app, apply: false, cancellationToken);
        if (code != 0)
        {
            return code;
        }
        var seeder = app.Services.GetRequiredService<CatalogSeeder>();
        var added = 0;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progressContext =>
            {
                var task = progressContext.AddTask($"Seeding {products} products", maxValue: products);
                added = await seeder.SeedAsync(products, variants, new Progress<int>(done => task.Value = done), cancellationToken);
                task.Value = products;
            });
        AnsiConsole.MarkupLine($"[green]Done:[/] {added} product(s) added, {products - added} already present.");
        return 0;
    }

    private static async Task<int> PrintSchemaAsync(WebApplication app, FileInfo? output, CancellationToken cancellationToken)
    {
        var sdl = SchemaSdl.Print(app.Services.GetRequiredService<ISchema>());
        if (output is null)
        {
            await Console.Out.WriteAsync(sdl);
        }
        else
        {
            await File.WriteAllTextAsync(output.FullName, sdl, cancellationToken);
            AnsiConsole.MarkupLine($"[green]Wrote[/] {Markup.Escape(output.FullName)}");
        }
        return 0;
    }
}
