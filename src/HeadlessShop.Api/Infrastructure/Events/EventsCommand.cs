using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace HeadlessShop.Api.Infrastructure.Events;

/// <summary><c>events dead-letters</c> lists what consumers gave up on; <c>events replay</c> hands it back to them.</summary>
internal static class EventsCommand
{
    public static Command Create(Func<Func<WebApplication, Task<int>>, Task<int>> withApp)
    {
        var limit = new Option<int>("--limit") { Description = "Most dead letters to list.", DefaultValueFactory = _ => 50 };
        var list = new Command("dead-letters", "List dead-lettered events: consumer group, attempts, last error.") { limit };
        list.SetAction(async (parse, ct) => await withApp(async app =>
            await ListAsync(app.Services.GetRequiredService<IEventBus>(), parse.GetValue(limit), ct)));

        var id = new Argument<string?>("id") { Description = "Dead letter id from `events dead-letters`.", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Replay every dead letter." };
        var replay = new Command("replay", "Deliver dead letters again to the consumer group that gave up on them.") { id, all };
        replay.Validators.Add(result =>
        {
            if (string.IsNullOrEmpty(result.GetValue(id)) == !result.GetValue(all))
            {
                result.AddError("Give either a dead letter id or --all.");
            }
        });
        replay.SetAction(async (parse, ct) => await withApp(async app =>
            await ReplayAsync(app.Services.GetRequiredService<IEventBus>(), parse.GetValue(id), ct)));

        return new Command("events", "Event stream tools.") { list, replay };
    }

    private static async Task<int> ListAsync(IEventBus bus, int limit, CancellationToken cancellationToken)
    {
        var letters = await bus.ListDeadLettersAsync(limit, cancellationToken);
        if (letters.Count == 0)
        {
            AnsiConsole.MarkupLine("[green]No dead letters.[/]");
            return 0;
        }
        var table = new Table().AddColumns("id", "group", "event", "key", "attempts", "dead at (UTC)", "error");
        foreach (var letter in letters)
        {
            table.AddRow(
                Markup.Escape(letter.DeadLetterId),
                Markup.Escape(letter.Group),
                Markup.Escape($"{letter.Event.Type} {letter.Event.Id}"),
                Markup.Escape(letter.Event.Key),
                letter.Attempts.ToString(CultureInfo.InvariantCulture),
                letter.DeadAt.ToString("u", CultureInfo.InvariantCulture),
                Markup.Escape(letter.Error));
        }
        AnsiConsole.Write(table);
        return 0;
    }

    private static async Task<int> ReplayAsync(IEventBus bus, string? id, CancellationToken cancellationToken)
    {
        if (id is not null)
        {
            if (!await bus.ReplayAsync(id, cancellationToken))
            {
                await Console.Error.WriteLineAsync($"error: no dead letter with id {id} (already replayed?).");
                return 1;
            }
            AnsiConsole.MarkupLine($"[green]Replayed[/] {Markup.Escape(id)}.");
            return 0;
        }
        var replayed = 0;
        IReadOnlyList<DeadLetter> batch;
        do
        {
            batch = await bus.ListDeadLettersAsync(100, cancellationToken);
            foreach (var letter in batch)
            {
                replayed += await bus.ReplayAsync(letter.DeadLetterId, cancellationToken) ? 1 : 0;
            }
        }
        while (batch.Count == 100);
        AnsiConsole.MarkupLine($"[green]Replayed {replayed} dead letter(s).[/]");
        return 0;
    }
}
