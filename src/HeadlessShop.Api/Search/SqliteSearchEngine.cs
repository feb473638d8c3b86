using System.Text;
using HeadlessShop.Api.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Search;

/// <summary>
/// Search on SQLite (embedded mode) in two statements: the vocabulary (FTS5 <c>fts5vocab</c>) for typo correction by
/// edit distance, then one statement for hits (bm25-ranked FTS5 match), total, disjunctive facet counts and price
/// buckets. Same facets, buckets, sorting and result shape as <see cref="PostgresSearchEngine"/>.
/// </summary>
internal sealed class SqliteSearchEngine(IDbContextFactory<ShopDbContext> contexts)
{
    /// <summary>Column weights for bm25: name, brand, category, description.</summary>
    private const string Bm25 = "bm25(product_search_fts, 10.0, 4.0, 4.0, 1.0)";

    public async Task<SearchHits> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var words = query.IsBrowse ? [] : await AnalyseAsync(db, query.Text, cancellationToken);
        var parameters = new List<SqliteParameter>();
        var sql = BuildSearch(query, words, parameters);
        var rows = await db.Database.SqlQueryRaw<SearchRow>(sql, parameters.Cast<object>().ToArray()).ToListAsync(cancellationToken);
        return SearchRowAssembler.Assemble(rows, query, SearchText.Corrected(query.Text, words));
    }

    private static async Task<IReadOnlyList<QueryWord>> AnalyseAsync(ShopDbContext db, string text, CancellationToken cancellationToken)
    {
        var tokens = SearchText.Words(text);
        if (tokens.Count == 0)
        {
            return [];
        }
        var vocabulary = await db.Database.SqlQueryRaw<SearchRow>(
                "SELECT 0 AS kind, NULL AS facet, term AS value, 0 AS number, doc AS count FROM product_search_vocab")
            .ToListAsync(cancellationToken);
        var known = vocabulary.Select(v => v.Value!).ToHashSet(StringComparer.Ordinal);
        var openLast = SearchText.LastWordIsOpen(text, tokens[^1]);
        var words = new List<QueryWord>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            var (word, index, length) = tokens[i];
            if (known.Contains(word) || word.Length < SearchText.MinCorrectableLength && !(openLast && i == tokens.Count - 1))
            {
                words.Add(new QueryWord(word, index, length, WordStatus.Known, null));
                continue;
            }
            if (openLast && i == tokens.Count - 1 && known.Any(k => k.StartsWith(word, StringComparison.Ordinal)))
            {
                words.Add(new QueryWord(word, index, length, WordStatus.Prefix, null));
                continue;
            }
            var max = SearchText.MaxEdits(word.Length);
            var closest = word.Length < SearchText.MinCorrectableLength
                ? null
                : vocabulary
                    .Select(v => (Term: v.Value!, Documents: v.Count, Distance: SearchText.EditDistance(word, v.Value!, max)))
                    .Where(c => c.Distance <= max)
                    .OrderBy(c => c.Distance).ThenByDescending(c => c.Documents).ThenBy(c => c.Term, StringComparer.Ordinal)
                    .Select(c => c.Term)
                    .FirstOrDefault();
            words.Add(closest is null
                ? new QueryWord(word, index, length, WordStatus.Unknown, null)
                : new QueryWord(word, index, length, WordStatus.Corrected, closest));
        }
        return words;
    }

    private static string BuildSearch(SearchQuery query, IReadOnlyList<QueryWord> words, List<SqliteParameter> parameters)
    {
        string Add(object value)
        {
            var name = "@p" + parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            parameters.Add(new SqliteParameter(name, value));
            return name;
        }

        string In(IReadOnlyList<string> values) => string.Join(", ", values.Select(v => Add(v)));

        string Any(string facet, string column)
        {
            var values = query.SelectedValues(facet);
            return values.Count == 0 ? "1" : $"{column} IN ({In(values)})";
        }

        string Option(string facet)
        {
            var values = query.SelectedValues(facet);
            return values.Count == 0 ? "1" : $"EXISTS (SELECT 1 FROM o WHERE o.id = m.id AND o.facet = '{facet}' AND o.value IN ({In(values)}))";
        }

        // Every word must match (quoted, so nothing in the query is FTS5 syntax); an open last word matches as a prefix.
        var match = words.Count == 0 ? null : string.Join(" AND ", words.Select(w => $"\"{w.Effective}\"" + (w.Status == WordStatus.Prefix ? "*" : "")));
        var searched = !query.IsBrowse;

        var price = new List<string>();
        if (query.PriceMin is { } min)
        {
            price.Add($"price >= {Add(min)}");
        }
        if (query.PriceMax is { } max)
        {
            price.Add($"price <= {Add(max)}");
        }

        var order = PostgresSearchEngine.OrderBy(query, searched);
        var source = !searched
            ? "products p"
            : match is null
                ? "products p JOIN (SELECT 0 AS id, 0.0 AS rank WHERE 0) h ON h.id = p.id"
                : $"products p JOIN (SELECT rowid AS id, -{Bm25} AS rank FROM product_search_fts WHERE product_search_fts MATCH {Add(match)}) h ON h.id = p.id";
        var sql = new StringBuilder($"""
            WITH m AS MATERIALIZED (
                SELECT p.id, p.name, p.price_min_minor AS price, p.created_at, p.brand, c.slug AS category,
                       {(searched ? "h.rank" : "0.0")} AS rank
                FROM {source} LEFT JOIN categories c ON c.id = p.category_id
                WHERE p.deleted_at IS NULL
            ),
            o AS MATERIALIZED (
                SELECT DISTINCT v.product_id AS id, lower(json_extract(j.value, '$.name')) AS facet, json_extract(j.value, '$.value') AS value
                FROM product_variants v JOIN json_each(v.option_values) j
                WHERE v.product_id IN (SELECT id FROM m) AND lower(json_extract(j.value, '$.name')) IN ('color', 'size')
            ),
            f AS MATERIALIZED (
                SELECT m.*,
                       {Any(SearchFacets.Brand, "m.brand")} AS fb,
                       {Any(SearchFacets.Category, "m.category")} AS fc,
                       {Option(SearchFacets.Color)} AS fcol,
                       {Option(SearchFacets.Size)} AS fs,
                       {(price.Count == 0 ? "1" : string.Join(" AND ", price))} AS fp
                FROM m
            ),
            page AS (
                SELECT s.id, row_number() OVER (ORDER BY {order}) AS ord
                FROM (SELECT id, name, price, created_at, rank FROM f WHERE fb AND fc AND fcol AND fs AND fp
                      ORDER BY {order} LIMIT {Add((long)query.First)} OFFSET {Add((long)query.Offset)}) s
            )
            SELECT 0 AS kind, NULL AS facet, NULL AS value, id AS number, ord AS count FROM page
            UNION ALL SELECT 1, NULL, NULL, 0, count(*) FROM f WHERE fb AND fc AND fcol AND fs AND fp
            UNION ALL SELECT 2, 'brand', brand, 0, count(*) FROM f WHERE fc AND fcol AND fs AND fp AND brand IS NOT NULL GROUP BY brand
            UNION ALL SELECT 2, 'category', category, 0, count(*) FROM f WHERE fb AND fcol AND fs AND fp AND category IS NOT NULL GROUP BY category
            UNION ALL SELECT 2, 'color', o.value, 0, count(*) FROM f JOIN o ON o.id = f.id AND o.facet = 'color' WHERE fb AND fc AND fs AND fp GROUP BY o.value
            UNION ALL SELECT 2, 'size', o.value, 0, count(*) FROM f JOIN o ON o.id = f.id AND o.facet = 'size' WHERE fb AND fc AND fcol AND fp GROUP BY o.value
            UNION ALL SELECT 3, NULL, NULL, bucket, count(*) FROM (SELECT {SearchRowAssembler.BucketCase("price")} AS bucket FROM f WHERE fb AND fc AND fcol AND fs) GROUP BY bucket
            """);
        return sql.ToString();
    }
}
