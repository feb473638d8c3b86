namespace HeadlessShop.GraphQL.Transport.DataLoader;

/// <summary>A 1:N loader: each key maps to a list, and a key with no rows gets an empty list, never null.</summary>
public abstract class GroupedDataLoader<TKey, TValue> : BatchDataLoader<TKey, IReadOnlyList<TValue>>
    where TKey : notnull
{
    protected GroupedDataLoader(IEqualityComparer<TKey>? comparer = null)
        : base(comparer)
    {
    }

    protected sealed override IReadOnlyList<TValue>? ValueForMissingKey(TKey key) => [];
}
