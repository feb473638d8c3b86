namespace HeadlessShop.Api.GraphQL;

/// <summary>
/// GraphQL.NET subscriptions consume <see cref="IObservable{T}"/>; our streams are async enumerables. Each
/// subscription enumerates its own stream and disposing the subscription cancels it, so a client that leaves
/// releases its queue at once.
/// </summary>
public sealed class AsyncEnumerableObservable<T>(Func<CancellationToken, IAsyncEnumerable<T>> source) : IObservable<T>
{
    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var subscription = new Subscription();
        _ = PumpAsync(observer, subscription.Token);
        return subscription;
    }

    private async Task PumpAsync(IObserver<T> observer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in source(cancellationToken).WithCancellation(cancellationToken))
            {
                observer.OnNext(item);
            }
            observer.OnCompleted();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Unsubscribed: nobody is listening any more.
        }
#pragma warning disable CA1031 // Every failure of the stream is the subscriber's to see, as an error event.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            observer.OnError(ex);
        }
    }

    private sealed class Subscription : IDisposable
    {
        private readonly CancellationTokenSource _cancellation = new();

        public CancellationToken Token => _cancellation.Token;

        public void Dispose()
        {
            _cancellation.Cancel();
            _cancellation.Dispose();
        }
    }
}
