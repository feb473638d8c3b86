using System.Globalization;

namespace HeadlessShop.Bench;

/// <summary>
/// Vendure's figures for the same logical queries on this machine: measured live with --vendure (its own scripts
/// under ../shared/peers/vendure), otherwise the measurements published in that folder's README.
/// </summary>
internal static class VendureFigures
{
    private static readonly string[] Cases = ["a-products", "b-search", "c-product"];

    public static async Task<List<PeerFigure>> LoadAsync(string root, bool runLive, List<string> notes)
    {
        var folder = Path.GetFullPath(Path.Combine(root, "..", "shared", "peers", "vendure"));
        if (!Directory.Exists(folder))
        {
            notes.Add($"Vendure comparison skipped: {folder} not found");
            return [];
        }
        if (runLive)
        {
            try
            {
                var output = await ProcessRunner.RunAsync("bash", "run.sh", TimeSpan.FromMinutes(30), workingDirectory: folder);
                var live = Parse(output, requestsColumn: 1, p50Column: 2, p99Column: 4, sqlColumn: 8, "measured in this run (--vendure)");
                if (live.Count > 0)
                {
                    return live;
                }
                notes.Add("Vendure live run printed no table; using its published figures");
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                notes.Add($"Vendure live run failed ({ex.Message.Split('\n')[0]}); using its published figures");
            }
        }
        var readme = await File.ReadAllTextAsync(Path.Combine(folder, "README.md"));
        return Parse(readme, requestsColumn: 1, p50Column: 2, p99Column: 4, sqlColumn: 7, "published in shared/peers/vendure/README.md (same machine type)");
    }

    /// <summary>Reads the first markdown row of each case: "| a-products | 9.9 | 1803 | ... |".</summary>
    internal static List<PeerFigure> Parse(string text, int requestsColumn, int p50Column, int p99Column, int sqlColumn, string source)
    {
        var figures = new List<PeerFigure>();
        foreach (var name in Cases)
        {
            var row = text.Split('\n').Select(l => l.Trim())
                .FirstOrDefault(l => l.StartsWith('|') && l.Split('|', StringSplitOptions.TrimEntries)[1] == name);
            if (row is null)
            {
                continue;
            }
            var cells = row.Split('|', StringSplitOptions.TrimEntries)[1..^1];
            double Number(int column) => double.Parse(cells[column], CultureInfo.InvariantCulture);
            int? sql = cells.Length > sqlColumn && int.TryParse(cells[sqlColumn], NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : null;
            figures.Add(new PeerFigure(name, Number(requestsColumn), Number(p50Column), Number(p99Column), sql, source));
        }
        return figures;
    }
}
