using GraphQL;
using GraphQL.Resolvers;
using GraphQL.Types;

namespace HeadlessShop.GraphQL.Transport.Tests.Infrastructure;

/// <summary>The smallest schema that exercises the transport: a query, a mutation and a subscription root.</summary>
public sealed class TestSchema : Schema
{
    public TestSchema(IServiceProvider services, TestCounter counter) : base(services)
    {
        var query = new ObjectGraphType { Name = "Query" };
        query.Field<NonNullGraphType<StringGraphType>>("hello")
            .Argument<StringGraphType>("name")
            .Resolve(ctx => $"Hello, {ctx.GetArgument("name", "world")}!");
        query.Field<IntGraphType>("count").Resolve(_ => counter.Value);
        var tree = new ObjectGraphType { Name = "Tree" };
        tree.Field<NonNullGraphType<IntGraphType>>("value").Resolve(ctx => (int)ctx.Source!);
        tree.Field<ListGraphType<IntGraphType>>("children")
            .Argument<IntGraphType>("first")
            .Resolve(ctx =>
            {
                counter.Increment();
                return Enumerable.Range(0, Math.Min(ctx.GetArgument("first", 2), 3)).Select(i => (object)i).ToList();
            });
        tree.Fields.Find("children")!.ResolvedType = new ListGraphType(new NonNullGraphType(tree));
        query.AddField(new FieldType
        {
            Name = "tree",
            ResolvedType = tree,
            Arguments = new QueryArguments(new QueryArgument<IntGraphType> { Name = "first" }),
            Resolver = new FuncFieldResolver<object>(_ =>
            {
                counter.Increment();
                return 0;
            }),
        });
        query.Field<StringGraphType>("whoami").Resolve(ctx => ctx.User?.Identity?.Name);
        Query = query;

        var mutation = new ObjectGraphType { Name = "Mutation" };
        mutation.Field<NonNullGraphType<IntGraphType>>("increment").Resolve(_ => counter.Increment());
        Mutation = mutation;

        var subscription = new ObjectGraphType { Name = "Subscription" };
        subscription.AddField(new FieldType
        {
            Name = "countdown",
            Type = typeof(NonNullGraphType<IntGraphType>),
            Arguments = new QueryArguments(new QueryArgument<NonNullGraphType<IntGraphType>> { Name = "from" }),
            Resolver = new FuncFieldResolver<int>(ctx => (int)ctx.Source!),
            StreamResolver = new SourceStreamResolver<int>(ctx => Countdown(ctx.GetArgument<int>("from"))),
        });
        subscription.AddField(new FieldType
        {
            Name = "forever",
            Type = typeof(NonNullGraphType<IntGraphType>),
            Resolver = new FuncFieldResolver<int>(ctx => (int)ctx.Source!),
            StreamResolver = new SourceStreamResolver<int>(_ => new OneThenSilence()),
        });
        Subscription = subscription;
    }

    private static CountdownObservable Countdown(int from) => new(from);

    /// <summary>Pushes from, from-1, ..., 0 and completes.</summary>
    private sealed class CountdownObservable(int from) : IObservable<int>
    {
        public IDisposable Subscribe(IObserver<int> observer)
        {
            for (var i = from; i >= 0; i--)
            {
                observer.OnNext(i);
            }
            observer.OnCompleted();
            return new NoSubscription();
        }
    }

    /// <summary>Pushes one value and then stays open until unsubscribed.</summary>
    private sealed class OneThenSilence : IObservable<int>
    {
        public IDisposable Subscribe(IObserver<int> observer)
        {
            observer.OnNext(1);
            return new NoSubscription();
        }
    }

    private sealed class NoSubscription : IDisposable
    {
        public void Dispose()
        {
        }
    }
}

/// <summary>Counts mutations, so tests can see whether a resolver ran.</summary>
public sealed class TestCounter
{
    private int _value;

    public int Value => Volatile.Read(ref _value);

    public int Increment() => Interlocked.Increment(ref _value);
}
