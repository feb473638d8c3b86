using System.Text;
using HeadlessShop.Api.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace HeadlessShop.Api.Search;

/// <summary>
/// Search on PostgreSQL in two statements: one checks the query's words against the vocabulary (pg_trgm finds the
/// closest word for a typo), one computes hits, total, disjunctive facet counts and price buckets from a single
/// materialized match set. The search columns (<c>search_vector</c>, colors, sizes, category slug) and the
/// vocabulary are kept by triggers of the AddSearch migration, so every writer keeps search fresh.
/// A repeated search is answered from <see cref="SearchResultCache"/> for one statement (the search generation) when
/// nothing it reads has changed since.
/// </summary>
internal sealed class PostgresSearchEngine(IDbContextFactory<ShopDbContext> contexts, SearchResultCache cache)
{
    private const string Config = "english";

    /// <summary>Stripes of the AddSearchGenerations migration; fewer rows (a table emptied by hand) means: do not cache.</summary>
    private const int GenerationStripes = 16;

    public async Task<SearchHits> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var generation = cache.Enabled ? await GenerationAsync(db, cancellationToken) : null;
        var key = generation is null ? null : SearchResultCache.KeyOf(query);
        if (key is not null && cache.TryGet(key, generation!, out var held))
        {
            return held;
        }
        var words = query.IsBrowse ? [] : await AnalyseAsync(db, query.Text, cancellationToken);
        var parameters = new List<NpgsqlParameter>();
        var sql = BuildSearch(query, words, parameters);
        var rows = await db.Database.SqlQueryRaw<SearchRow>(sql, parameters.Cast<object>().ToArray()).ToListAsync(cancellationToken);
        var hits = SearchRowAssembler.Assemble(rows, query, SearchText.Corrected(query.Text, words));
        if (key is not null)
        {
            cache.Store(key, generation!, hits);
        }
        return hits;
    }

    /// <summary>The search generation in this statement's snapshot, or null when it cannot be trusted.</summary>
    private static async Task<string?> GenerationAsync(ShopDbContext db, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT 0 AS kind, NULL::text AS facet, string_agg(generation::text, ',' ORDER BY stripe) AS value,
                   count(*) AS number, 0::bigint AS count
            FROM search_generations
            """;
        var row = (await db.Database.SqlQueryRaw<SearchRow>(sql).ToListAsync(cancellationToken)).Single();
        return row.Number == GenerationStripes ? row.Value : null;
    }

    /// <summary>One statement: for each word, whether it is a stop word, known, an open prefix, or else its closest known word.</summary>
    private static async Task<IReadOnlyList<QueryWord>> AnalyseAsync(ShopDbContext db, string text, CancellationToken cancellationToken)
    {
        var tokens = SearchText.Words(text);
        if (tokens.Count == 0)
        {
            return [];
        }
        var openLast = SearchText.LastWordIsOpen(text, tokens[^1]) ? tokens.Count : 0;
        // Kind: 0 known or stop word, 1 open prefix, 2 unknown (Facet = closest live word, if any).
        const string sql = """
            SELECT s.kind AS kind, s.word AS value, s.ord AS number, 0::bigint AS count,
                   CASE WHEN s.kind = 2 AND length(s.word) >= @min_length THEN (
                       SELECT t.term FROM search_terms t
                       WHERE t.term % s.word
                         AND EXISTS (SELECT 1 FROM products p WHERE p.deleted_at IS NULL AND p.search_vector @@ plainto_tsquery('english', t.term))
                       ORDER BY similarity(t.term, s.word) DESC, t.term
                       LIMIT 1) END AS facet
            FROM (
                SELECT w.word, w.ord,
                       CASE WHEN numnode(plainto_tsquery('english', w.word)) = 0 THEN 0
                            WHEN EXISTS (SELECT 1 FROM search_terms t WHERE t.term = w.word) THEN 0
                            WHEN w.ord = @open_last AND EXISTS (SELECT 1 FROM search_terms t WHERE t.term LIKE w.word || '%') THEN 1
                            ELSE 2 END AS kind
                FROM unnest(@words) WITH ORDINALITY AS w(word, ord)
            ) s
            """;
        var rows = await db.Database.SqlQueryRaw<SearchRow>(sql,
                new NpgsqlParameter("words", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = tokens.Select(t => t.Word).ToArray() },
                new NpgsqlParameter("open_last", NpgsqlDbType.Bigint) { Value = (long)openLast },
                new NpgsqlParameter("min_length", NpgsqlDbType.Integer) { Value = SearchText.MinCorrectableLength })
            .ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.Number).Select((r, i) =>
        {
            var (word, index, length) = tokens[i];
            return r.Kind switch
            {
                1 => new QueryWord(word, index, length, WordStatus.Prefix, null),
                2 when r.Facet is { } closest && closest != word => new QueryWord(word, index, length, WordStatus.Corrected, closest),
                2 => new QueryWord(word, index, length, WordStatus.Unknown, null),
                _ => new QueryWord(word, index, length, WordStatus.Known, null),
            };
        }).ToList();
    }

    private static string BuildSearch(SearchQuery query, IReadOnlyList<QueryWord> words, List<NpgsqlParameter> parameters)
    {
        string Add(object value, NpgsqlDbType type)
        {
            var name = "p" + parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            parameters.Add(new NpgsqlParameter(name, type) { Value = value });
            return "@" + name;
        }

        string? tsquery = null;
        if (!query.IsBrowse)
        {
            // websearch_to_tsquery keeps its syntax ("quoted phrase", or, -word) for the corrected text; an open
            // last word is AND-ed as a prefix instead.
            var prefix = words.Count > 0 && words[^1].Status == WordStatus.Prefix ? words[^1] : null;
            var corrected = SearchText.Corrected(query.Text, words) ?? query.Text;
            if (prefix is not null)
            {
                var head = query.Text[..prefix.Index];
                var withoutLast = SearchText.Corrected(head, words.Take(words.Count - 1).ToList()) ?? head;
                tsquery = $"websearch_to_tsquery('{Config}', {Add(withoutLast, NpgsqlDbType.Text)}) && to_tsquery('{Config}', {Add(prefix.Text + ":*", NpgsqlDbType.Text)})";
            }
            else
            {
                tsquery = $"websearch_to_tsquery('{Config}', {Add(corrected, NpgsqlDbType.Text)})";
            }
        }

        string Any(string facet, string column)
        {
            var values = query.SelectedValues(facet);
            return values.Count == 0 ? "true" : $"{column} = ANY({Add(values.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)})";
        }

        string Overlaps(string facet, string column)
        {
            var values = query.SelectedValues(facet);
            return values.Count == 0 ? "true" : $"{column} && {Add(values.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)}";
        }

        var price = new List<string>();
        if (query.PriceMin is { } min)
        {
            price.Add($"p.price_min_minor >= {Add(min, NpgsqlDbType.Bigint)}");
        }
        if (query.PriceMax is { } max)
        {
            price.Add($"p.price_min_minor <= {Add(max, NpgsqlDbType.Bigint)}");
        }

        var rank = tsquery is null ? "0::real" : "ts_rank(ARRAY[0.1, 0.2, 0.4, 1.0]::real[], p.search_vector, q.tsq, 1)";
        var order = OrderBy(query, tsquery is not null);
        var sql = new StringBuilder();
        sql.Append("WITH ");
        if (tsquery is not null)
        {
            sql.Append("q AS (SELECT ").Append(tsquery).Append(" AS tsq), ");
        }
        sql.Append($"""
            m AS MATERIALIZED (
                SELECT p.id, p.name, p.price_min_minor AS price, p.created_at, p.brand, p.search_category AS category,
                       p.search_colors AS colors, p.search_sizes AS sizes, {rank} AS rank,
                       {Any(SearchFacets.Brand, "p.brand")} AS fb,
                       {Any(SearchFacets.Category, "p.search_category")} AS fc,
                       {Overlaps(SearchFacets.Color, "p.search_colors")} AS fcol,
                       {Overlaps(SearchFacets.Size, "p.search_sizes")} AS fs,
                       {(price.Count == 0 ? "true" : string.Join(" AND ", price))} AS fp
                FROM products p{(tsquery is null ? "" : " CROSS JOIN q")}
                WHERE p.deleted_at IS NULL{(tsquery is null ? "" : " AND p.search_vector @@ q.tsq")}
            ),
            page AS (
                SELECT s.id, row_number() OVER (ORDER BY {order}) AS ord
                FROM (SELECT id, name, price, created_at, rank FROM m WHERE fb AND fc AND fcol AND fs AND fp
                      ORDER BY {order} LIMIT {Add((long)query.First, NpgsqlDbType.Bigint)} OFFSET {Add((long)query.Offset, NpgsqlDbType.Bigint)}) s
            )
            SELECT 0 AS kind, NULL::text AS facet, NULL::text AS value, id AS number, ord AS count FROM page
            UNION ALL SELECT 1, NULL, NULL, 0, count(*) FROM m WHERE fb AND fc AND fcol AND fs AND fp
            UNION ALL SELECT 2, 'brand', brand, 0, count(*) FROM m WHERE fc AND fcol AND fs AND fp AND brand IS NOT NULL GROUP BY brand
            UNION ALL SELECT 2, 'category', category, 0, count(*) FROM m WHERE fb AND fcol AND fs AND fp AND category IS NOT NULL GROUP BY category
            UNION ALL SELECT 2, 'color', c.value, 0, count(*) FROM m CROSS JOIN LATERAL unnest(m.colors) AS c(value) WHERE fb AND fc AND fs AND fp GROUP BY c.value
            UNION ALL SELECT 2, 'size', z.value, 0, count(*) FROM m CROSS JOIN LATERAL unnest(m.sizes) AS z(value) WHERE fb AND fc AND fcol AND fp GROUP BY z.value
            UNION ALL SELECT 3, NULL, NULL, b.bucket, count(*) FROM (SELECT {SearchRowAssembler.BucketCase("price")} AS bucket FROM m WHERE fb AND fc AND fcol AND fs) b GROUP BY b.bucket
            """);
        return sql.ToString();
    }

    /// <summary>Sort columns of the match set; the id breaks ties so pages never overlap.</summary>
    internal static string OrderBy(SearchQuery query, bool ranked)
    {
        var (column, descending) = query.Sort switch
        {
            SearchSortKey.Name => ("name", false),
            SearchSortKey.Price => ("price", false),
            SearchSortKey.CreatedAt => ("created_at", false),
            _ when ranked => ("rank", true),
            _ => ((string?)null, false),
        };
        descending ^= query.Reverse;
        var direction = descending ? "DESC" : "ASC";
        // Equally relevant hits keep catalog order (oldest first); other keys break ties in their own direction.
        var tieBreak = column == "rank" ? (descending ? "ASC" : "DESC") : direction;
        return column is null ? $"id {direction}" : $"{column} {direction}, id {tieBreak}";
    }
}
