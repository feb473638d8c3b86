using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace HeadlessShop.Api.Data;

/// <summary>
/// Counts SQL statements sent per logical operation (an HTTP request, a test). The count follows the async flow,
/// so statements issued by DataLoader batches of a request are counted for that request.
/// </summary>
public sealed class SqlStatementCounter : DbCommandInterceptor
{
    private static readonly AsyncLocal<Scope?> Current = new();

    /// <summary>Starts counting for the current async flow until the returned scope is disposed.</summary>
    public static Scope BeginScope()
    {
        var scope = new Scope(Current.Value);
        Current.Value = scope;
        return scope;
    }

    public override DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result)
    {
        Current.Value?.Increment();
        return result;
    }

    public sealed class Scope : IDisposable
    {
        private readonly Scope? _parent;
        private int _count;

        internal Scope(Scope? parent) => _parent = parent;

        public int Count => Volatile.Read(ref _count);

        internal void Increment()
        {
            Interlocked.Increment(ref _count);
            _parent?.Increment();
        }

        public void Dispose() => Current.Value = _parent;
    }
}
