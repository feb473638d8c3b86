using HeadlessShop.Api.Infrastructure.Events;

namespace HeadlessShop.Api.Tests.Infrastructure;

/// <summary>
/// Listens on this instance's hub for the next event about one key, from before a change is made until it has been
/// dispatched: hub observers (the in-process caches) run before subscribers, so once it arrived they have seen it.
/// </summary>
public sealed class NextEvent : IAsyncDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private readonly IAsyncEnumerator<EventEnvelope> _events;
    private readonly Task<bool> _arrived;

    private NextEvent(EventHub hub, string key)
    {
        _events = hub.SubscribeAsync(key, _timeout.Token).GetAsyncEnumerator(_timeout.Token);
        // Runs to the first wait inside: the subscription is registered before this constructor returns.
        _arrived = _events.MoveNextAsync().AsTask();
    }

    public static async Task<NextEvent> ListenAsync(EventHub hub, string key)
    {
        ArgumentNullException.ThrowIfNull(hub);
        await hub.Ready;
        return new NextEvent(hub, key);
    }

    /// <summary>Waits (at most 30 s) for the event; fails the test when it never comes.</summary>
    public async Task ArrivedAsync() => Assert.True(await _arrived, "the event did not arrive within 30 s");

    public async ValueTask DisposeAsync()
    {
        await _timeout.CancelAsync();
        try
        {
            await _events.DisposeAsync();
        }
        catch (OperationCanceledException)
        {
        }
        _timeout.Dispose();
    }
}
