using System.Diagnostics;
using System.Globalization;

namespace HeadlessShop.Bench;

public static class ProcessRunner
{
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>Runs a command to completion (killed after <paramref name="timeout"/>) and returns what it printed.</summary>
    public static async Task<Result> ExecuteAsync(string file, string arguments, TimeSpan timeout, IDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish in {timeout}");
        }
        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>Like <see cref="ExecuteAsync"/>, failing with everything the command printed when it exits non-zero.</summary>
    public static async Task<string> RunAsync(string file, string arguments, TimeSpan timeout, IDictionary<string, string>? environment = null,
        string? workingDirectory = null, bool check = true)
    {
        var result = await ExecuteAsync(file, arguments, timeout, environment, workingDirectory);
        if (check && result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited {result.ExitCode}:\n{result.Output}\n{result.Error}");
        }
        return result.Output + result.Error;
    }

    /// <summary>Starts a long-running process whose output goes to <paramref name="logFile"/>.</summary>
    public static Process Start(string file, string arguments, IDictionary<string, string> environment, string logFile, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.Exited += (_, _) => { lock (log) { log.Dispose(); } };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>CPU seconds the process has used (user + system), from /proc.</summary>
    public static double CpuSeconds(int pid) => CpuTicks(File.ReadAllText($"/proc/{pid}/stat")) / 100.0;

    /// <summary>utime + stime, in clock ticks of 1/100 s, from the text of a /proc/PID/stat or /proc/PID/task/TID/stat file.</summary>
    public static long CpuTicks(string stat)
    {
        ArgumentNullException.ThrowIfNull(stat);
        // After "pid (comm)" (comm may hold spaces and parentheses: split at the last ')'), utime and stime are fields 12 and 13 (0-based).
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>Peak resident set size (VmHWM) in MB.</summary>
    public static double PeakRssMb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
