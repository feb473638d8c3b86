using GraphQL;
using GraphQL.DI;
using GraphQL.Execution;

namespace HeadlessShop.Api.Data;

/// <summary>Tells an outage of the database or Redis (unreachable, restarting, too slow) from a bug, and reports it to clients as one.</summary>
public static class DatabaseOutage
{
    public const string Code = "SERVICE_UNAVAILABLE";

    /// <summary>True when <paramref name="exception"/> (or one it wraps) says PostgreSQL or Redis could not be reached in time.</summary>
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
                case StackExchange.Redis.RedisConnectionException:
                case TimeoutException:
                case System.Net.Sockets.SocketException:
                    return true;
            }
        }
        return false;
    }

    public static ExecutionError Error() =>
        new("The shop's data store is unavailable or too slow right now. Retry in a moment.") { Code = Code };
}

/// <summary>
/// Turns a database outage inside any resolver into a top-level error with <c>extensions.code = SERVICE_UNAVAILABLE</c>
/// (and nothing else changes: every other unhandled exception still goes to the transport's handler).
/// </summary>
public sealed partial class DatabaseOutageErrors(ILogger<DatabaseOutageErrors> logger) : IConfigureExecution
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
                LogOutage(logger, context.FieldContext?.FieldDefinition.Name, context.OriginalException);
                context.Exception = DatabaseOutage.Error();
                return;
            }
            await inner(context);
        };
        return next(options);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Data store unavailable in field {Field}; answered SERVICE_UNAVAILABLE")]
    private static partial void LogOutage(ILogger logger, string? field, Exception exception);
}
