namespace HeadlessShop.Api.Data;

public static class SqlStatementCountMiddleware
{
    public const string HeaderName = "X-Sql-Statements";

    /// <summary>
    /// With <c>Diagnostics:SqlStatementCountHeader=true</c> every response carries the number of SQL statements it
    /// cost. Benchmarks and N+1 hunting read it; it is off by default.
    /// </summary>
    public static IApplicationBuilder UseSqlStatementCountHeader(this WebApplication app)
    {
        if (!app.Configuration.GetValue<bool>("Diagnostics:SqlStatementCountHeader"))
        {
            return app;
        }
        return app.Use(async (context, next) =>
        {
            using var scope = SqlStatementCounter.BeginScope();
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[HeaderName] = scope.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Task.CompletedTask;
            });
            await next(context);
        });
    }
}
