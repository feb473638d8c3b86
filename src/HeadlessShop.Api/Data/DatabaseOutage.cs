using GraphQL;
using GraphQL.DI;
using GraphQL.Execution;

namespace HeadlessShop.Api.Data;

/// <summary>Tells a database outage (unreachable, restarting, too slow) from a bug, and reports it to clients as one.</summary>
public static class DatabaseOutage
{
    public const string Code = "SERVICE_UNAVAILABLE";

    /// <summary>True when <paramref name="exception"/> (or one it wraps) says the database could not be reached in time.</summary>
    public static bool IsOutage(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case Npgsql.PostgresException server:
                    // A server that answered with an error is up, except while it shuts down or runs out of resources.
                    return server.IsTransient && server.SqlState is not ("40001" or "40P01");
                case Npgsql.NpgsqlException:
                case TimeoutException:
                case System.Net.Sockets.SocketException:
                    return true;
            }
        }
        return false;
    }

    public static ExecutionError Error() =>
        new("The shop's database is unavailable right now; nothing was changed. Retry in a moment.") { Code = Code };
}

/// <summary>
/// Turns a database outage inside any resolver into a top-level error with <c>extensions.code = SERVICE_UNAVAILABLE</c>
/// (and nothing else changes: every other unhandled exception still goes to the transport's handler).
/// </summary>
public sealed class DatabaseOutageErrors : IConfigureExecution
{
    public float SortOrder => 50;

    public Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(next);
        var inner = options.UnhandledExceptionDelegate;
        options.UnhandledExceptionDelegate = async context =>
        {
            if (DatabaseOutage.IsOutage(context.OriginalException))
            {
                context.Exception = DatabaseOutage.Error();
                return;
            }
            await inner(context);
        };
        return next(options);
    }
}
