using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.SystemTextJson;
using GraphQL.Types;
using HeadlessShop.GraphQL.Transport.DataLoader;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.GraphQL.Transport.Tests.DataLoader;

/// <summary>Squares numbers and records every batch it is asked for.</summary>
internal sealed class SquareDataLoader : BatchDataLoader<int, string>
{
    public List<int[]> Batches { get; } = [];
    public Exception? FailWith { get; set; }

    protected override async Task<IReadOnlyDictionary<int, string>> LoadBatchAsync(IReadOnlyList<int> keys, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (Batches)
        {
            Batches.Add(keys.ToArray());
        }
        if (FailWith is not null)
        {
            throw FailWith;
        }
        // Negative keys are "not found".
        return keys.Where(k => k >= 0).ToDictionary(k => k, k => (k * k).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

internal sealed class DivisorsDataLoader : GroupedDataLoader<int, int>
{
    public int BatchCount { get; private set; }

    protected override Task<IReadOnlyDictionary<int, IReadOnlyList<int>>> LoadBatchAsync(IReadOnlyList<int> keys, CancellationToken cancellationToken)
    {
        BatchCount++;
        IReadOnlyDictionary<int, IReadOnlyList<int>> result = keys.Where(k => k > 0)
            .ToDictionary(k => k, k => (IReadOnlyList<int>)Enumerable.Range(1, k).Where(d => k % d == 0).ToList());
        return Task.FromResult(result);
    }
}

public sealed class BatchDataLoaderTests
{
    [Fact]
    public async Task Keys_requested_before_the_first_result_is_awaited_go_out_in_one_batch()
    {
        var loader = new SquareDataLoader();
        var results = Enumerable.Range(1, 50).Select(loader.LoadAsync).ToList();

        var values = await Task.WhenAll(results.Select(r => r.GetResultAsync()));

        Assert.Single(loader.Batches);
        Assert.Equal(Enumerable.Range(1, 50), loader.Batches[0]);
        Assert.Equal("2500", values[^1]);
    }

    [Fact]
    public async Task Repeated_keys_are_fetched_once_and_cached_for_the_request()
    {
        var loader = new SquareDataLoader();
        var a = loader.LoadAsync(3);
        var b = loader.LoadAsync(3);
        Assert.Equal("9", await a.GetResultAsync());
        Assert.Equal("9", await b.GetResultAsync());
        Assert.Equal("9", await loader.LoadAsync(3).GetResultAsync());

        Assert.Single(loader.Batches);
        Assert.Equal([3], loader.Batches[0]);
    }

    [Fact]
    public async Task Keys_asked_for_after_a_dispatch_form_a_new_batch()
    {
        var loader = new SquareDataLoader();
        await loader.LoadAsync(1).GetResultAsync();
        var later = loader.LoadAsync(2);
        var alsoLater = loader.LoadAsync(4);
        await later.GetResultAsync();
        await alsoLater.GetResultAsync();

        Assert.Equal(2, loader.Batches.Count);
        Assert.Equal([2, 4], loader.Batches[1]);
    }

    [Fact]
    public async Task Missing_keys_get_null_and_grouped_loaders_get_an_empty_list()
    {
        var squares = new SquareDataLoader();
        Assert.Null(await squares.LoadAsync(-1).GetResultAsync());

        var divisors = new DivisorsDataLoader();
        var missing = divisors.LoadAsync(0);
        var six = divisors.LoadAsync(6);
        Assert.Empty((await missing.GetResultAsync())!);
        Assert.Equal([1, 2, 3, 6], (await six.GetResultAsync())!);
        Assert.Equal(1, divisors.BatchCount);
    }

    [Fact]
    public async Task A_failed_batch_fails_every_key_in_it()
    {
        var loader = new SquareDataLoader { FailWith = new InvalidOperationException("database down") };
        var a = loader.LoadAsync(1);
        var b = loader.LoadAsync(2);
        await Assert.ThrowsAsync<InvalidOperationException>(() => a.GetResultAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => b.GetResultAsync());
        Assert.Single(loader.Batches);
    }

    [Fact]
    public async Task LoadMany_keeps_the_order_asked()
    {
        var loader = new SquareDataLoader();
        var values = await loader.LoadManyAsync([5, 1, -2, 3]).GetResultAsync();
        Assert.Equal(["25", "1", null, "9"], values);
    }

    [Fact]
    public async Task Concurrent_loads_from_many_threads_lose_no_key_and_fetch_each_once()
    {
        var loader = new SquareDataLoader();
        var loads = new System.Collections.Concurrent.ConcurrentBag<(int Key, global::GraphQL.DataLoader.IDataLoaderResult<string?> Result)>();
        Parallel.For(0, 2000, i => loads.Add((i % 500, loader.LoadAsync(i % 500))));

        foreach (var (key, result) in loads)
        {
            Assert.Equal((key * key).ToString(System.Globalization.CultureInfo.InvariantCulture), await result.GetResultAsync());
        }
        Assert.Equal(500, loader.Batches.SelectMany(b => b).Count());
        Assert.Equal(500, loader.Batches.SelectMany(b => b).Distinct().Count());
    }

    [Fact]
    public async Task The_executor_runs_one_batch_per_level_whatever_the_list_size()
    {
        var services = new ServiceCollection();
        services.AddScoped<SquareDataLoader>();
        services.AddGraphQL(b => b.AddSchema<NumbersSchema>().AddSystemTextJson());
        await using var provider = services.BuildServiceProvider();
        var executer = provider.GetRequiredService<IDocumentExecuter<ISchema>>();
        var serializer = provider.GetRequiredService<IGraphQLTextSerializer>();

        foreach (var count in new[] { 3, 30, 300 })
        {
            await using var scope = provider.CreateAsyncScope();
            var result = await executer.ExecuteAsync(new ExecutionOptions
            {
                Query = "query($n: Int!) { numbers(count: $n) { value square next { square } } }",
                Variables = serializer.Deserialize<Inputs>($$"""{"n": {{count}}}"""),
                RequestServices = scope.ServiceProvider,
            });
            Assert.Null(result.Errors);
            var loader = scope.ServiceProvider.GetRequiredService<SquareDataLoader>();
            // The executor finishes every non-loader field (including `next` and its children) before it asks any
            // loader result for its value, so both levels' squares travel in one batch, whatever the list size.
            Assert.Single(loader.Batches);
            Assert.Equal(2 * count, loader.Batches[0].Length);
        }
    }

    private sealed class NumbersSchema : Schema
    {
        public NumbersSchema(IServiceProvider services)
            : base(services)
        {
            var number = new ObjectGraphType<int> { Name = "Number" };
            number.Field<NonNullGraphType<IntGraphType>>("value").Resolve(ctx => ctx.Source);
            number.Field<StringGraphType>("square").Resolve().WithService<SquareDataLoader>().Resolve((ctx, loader) => loader.LoadAsync(ctx.Source));
            number.Field<ObjectGraphType<int>>("next").Type(number).Resolve(ctx => ctx.Source + 1000);
            var query = new ObjectGraphType { Name = "Query" };
            query.Field<ListGraphType<ObjectGraphType<int>>>("numbers")
                .Type(new ListGraphType(number))
                .Argument<NonNullGraphType<IntGraphType>>("count")
                .Resolve(ctx => Enumerable.Range(1, ctx.GetArgument<int>("count")).ToList());
            Query = query;
        }
    }
}
