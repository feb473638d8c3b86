using System.ComponentModel.DataAnnotations;

namespace HeadlessShop.Api.Search.Typesense;

/// <summary>The Typesense cluster and how hard to try it (section <c>Typesense</c>); only bound when <c>Typesense:Url</c> is set.</summary>
public sealed class TypesenseOptions : IValidatableObject
{
    public const string SectionName = "Typesense";

    /// <summary>Base address of the cluster (or its load balancer), e.g. http://typesense:8108.</summary>
    [Required]
    public Uri? Url { get; set; }

    [Required]
    public string ApiKey { get; set; } = "";

    /// <summary>Searches and document writes address the alias; reindex points it at a fresh collection.</summary>
    [Required, RegularExpression("^[a-z][a-z0-9_-]{0,62}$")]
    public string CollectionAlias { get; set; } = "products";

    /// <summary>One search attempt; a slower cluster is treated as down (the database answers instead).</summary>
    public TimeSpan SearchAttemptTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A search with all its retries; bounds what a shopper waits before the database answers.</summary>
    public TimeSpan SearchTotalTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>One indexing request (a JSONL batch import, a collection create or drop).</summary>
    public TimeSpan IndexingAttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>First retry delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Failure share (0..1] within <see cref="CircuitBreakerSamplingDuration"/> that opens the circuit.</summary>
    [Range(0.01, 1.0)]
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    [Range(2, 10_000)]
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit sends searches straight to the database before one probe tries Typesense again.</summary>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Documents per JSONL import request.</summary>
    [Range(1, 10_000)]
    public int ImportBatchSize { get; set; } = 500;

    /// <summary>Typos tolerated per query word (0..2) in names, brands, categories and descriptions; SKUs match exactly.</summary>
    [Range(0, 2)]
    public int NumTypos { get; set; } = 2;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Url is not null && (!Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult("Typesense:Url must be an absolute http(s) address.", [nameof(Url)]);
        }
        // Polly refuses timeouts under 10 ms and break durations under 500 ms.
        foreach (var (name, value, min) in new[]
        {
            (nameof(SearchAttemptTimeout), SearchAttemptTimeout, TimeSpan.FromMilliseconds(10)),
            (nameof(SearchTotalTimeout), SearchTotalTimeout, TimeSpan.FromMilliseconds(10)),
            (nameof(IndexingAttemptTimeout), IndexingAttemptTimeout, TimeSpan.FromMilliseconds(10)),
            (nameof(CircuitBreakerSamplingDuration), CircuitBreakerSamplingDuration, TimeSpan.FromMilliseconds(500)),
            (nameof(CircuitBreakerBreakDuration), CircuitBreakerBreakDuration, TimeSpan.FromMilliseconds(500)),
        })
        {
            if (value < min || value > TimeSpan.FromDays(1))
            {
                yield return new ValidationResult($"Typesense:{name} must be between {min} and one day.", [name]);
            }
        }
        if (RetryBaseDelay < TimeSpan.Zero || RetryBaseDelay > TimeSpan.FromMinutes(1))
        {
            yield return new ValidationResult("Typesense:RetryBaseDelay must be between 0 and one minute.", [nameof(RetryBaseDelay)]);
        }
    }
}
