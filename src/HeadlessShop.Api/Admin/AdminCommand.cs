using System.CommandLine;
using System.Text;
using Spectre.Console;

namespace HeadlessShop.Api.Admin;

/// <summary>
/// <c>admin create --email E</c>: creates a staff account, or promotes the customer with that email. The password is
/// never an argument (it would land in shell history and process lists): it is typed twice without echo, or read as
/// the first line of standard input when that is redirected (scripts: <c>printf '%s\n' "$PW" | ... admin create</c>).
/// </summary>
internal static class AdminCommand
{
    public static Command Create(Func<Func<WebApplication, Task<int>>, Task<int>> withApp)
    {
        var email = new Option<string>("--email") { Description = "Email of the staff account.", Required = true };
        var create = new Command("create", "Create a staff account (or promote an existing customer); the password is prompted or read from stdin.") { email };
        create.SetAction(async (parse, ct) =>
        {
            var password = Console.IsInputRedirected
                ? await PasswordReader.ReadRedirectedAsync(Console.In, ct)
                : PasswordReader.Prompt();
            if (password is null)
            {
                await Console.Error.WriteLineAsync("error: no password given (or the two entries differ).");
                return 1;
            }
            return await withApp(async app =>
            {
                var result = await app.Services.GetRequiredService<StaffAccounts>().CreateOrPromoteAsync(parse.GetValue(email)!, password, ct);
                if (result.Problem is { } problem)
                {
                    await Console.Error.WriteLineAsync($"error: {problem}");
                    return 1;
                }
                AnsiConsole.MarkupLine(result.Outcome == StaffAccountOutcome.Promoted
                    ? $"[green]Promoted[/] existing customer {Markup.Escape(parse.GetValue(email)!)} to staff; the password was reset and their sessions were signed out."
                    : $"[green]Created[/] staff account {Markup.Escape(parse.GetValue(email)!)}. Sign in with customerLogin.");
                return 0;
            });
        });
        return new Command("admin", "Staff account tools.") { create };
    }
}

internal static class PasswordReader
{
    /// <summary>The first line of redirected input, without its line break; null when the input is empty.</summary>
    public static async Task<string?> ReadRedirectedAsync(TextReader input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var line = await input.ReadLineAsync(cancellationToken);
        return string.IsNullOrEmpty(line) ? null : line;
    }

    /// <summary>Asks twice on the terminal without echo; null when the entries differ or are empty.</summary>
    public static string? Prompt()
    {
        var first = ReadHidden("Password: ");
        var second = ReadHidden("Repeat password: ");
        return first.Length > 0 && first == second ? first : null;
    }

    private static string ReadHidden(string prompt)
    {
        Console.Error.Write(prompt);
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }
            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
                continue;
            }
            if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
        Console.Error.WriteLine();
        return text.ToString();
    }
}
