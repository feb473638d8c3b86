using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Infrastructure.Events;

namespace HeadlessShop.Api.Search;

public static class SearchServiceCollectionExtensions
{
    /// <summary>
    /// The <c>search</c> field, the database engine (keyed, and the default until a cluster engine replaces it), and
    /// the consumer that feeds catalog and stock changes to every registered <see cref="ISearchIndexer"/>.
    /// </summary>
    public static IHostApplicationBuilder AddSearch(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<IQueryFields, SearchQueryFields>();
        services.AddOptions<SearchOptions>().BindConfiguration(SearchOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SearchResultCache>();
        services.AddKeyedSingleton<ISearchEngine, DatabaseSearchEngine>(SearchEngineKind.Database);
        services.AddSingleton<ISearchEngine>(sp => sp.GetRequiredKeyedService<ISearchEngine>(SearchEngineKind.Database));
        services.AddSingleton<IEventConsumer, SearchIndexingConsumer>();
        return builder;
    }
}
