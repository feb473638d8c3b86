using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Search;

/// <summary>
/// The embedded (SQLite) search index: FTS5 tables kept by triggers on products and categories, so every writer
/// (seeder, admin edits) keeps search fresh without remembering to. Only live (not soft-deleted) products are indexed.
/// <list type="bullet">
/// <item><c>product_search_fts</c>: stemmed (porter) text in weighted columns, ranked with bm25.</item>
/// <item><c>product_search_words</c> + <c>product_search_vocab</c>: the unstemmed words, the vocabulary typo correction
/// compares against.</item>
/// </list>
/// Part of the embedded schema's version hash: changing this script recreates older files.
/// </summary>
internal static class SqliteSearchSchema
{
    private const string Text = """
        coalesce(new.brand, '') || ' ' || coalesce((SELECT c.name FROM categories c WHERE c.id = new.category_id), '')
        """;

    public const string Script = $"""
        CREATE VIRTUAL TABLE IF NOT EXISTS product_search_fts USING fts5(
            name, brand, category, description, tokenize = 'porter unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE IF NOT EXISTS product_search_words USING fts5(words, tokenize = 'unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE IF NOT EXISTS product_search_vocab USING fts5vocab(product_search_words, 'row');

        CREATE TRIGGER IF NOT EXISTS products_search_insert AFTER INSERT ON products WHEN new.deleted_at IS NULL BEGIN
            INSERT INTO product_search_fts (rowid, name, brand, category, description)
            VALUES (new.id, new.name, coalesce(new.brand, ''),
                    coalesce((SELECT c.name FROM categories c WHERE c.id = new.category_id), ''), new.description);
            INSERT INTO product_search_words (rowid, words) VALUES (new.id, new.name || ' ' || {Text} || ' ' || new.description);
        END;

        CREATE TRIGGER IF NOT EXISTS products_search_update AFTER UPDATE OF name, brand, description, category_id, deleted_at ON products BEGIN
            DELETE FROM product_search_fts WHERE rowid = old.id;
            DELETE FROM product_search_words WHERE rowid = old.id;
            INSERT INTO product_search_fts (rowid, name, brand, category, description)
            SELECT new.id, new.name, coalesce(new.brand, ''),
                   coalesce((SELECT c.name FROM categories c WHERE c.id = new.category_id), ''), new.description
            WHERE new.deleted_at IS NULL;
            INSERT INTO product_search_words (rowid, words)
            SELECT new.id, new.name || ' ' || {Text} || ' ' || new.description WHERE new.deleted_at IS NULL;
        END;

        CREATE TRIGGER IF NOT EXISTS products_search_delete AFTER DELETE ON products BEGIN
            DELETE FROM product_search_fts WHERE rowid = old.id;
            DELETE FROM product_search_words WHERE rowid = old.id;
        END;

        CREATE TRIGGER IF NOT EXISTS categories_search_update AFTER UPDATE OF name ON categories BEGIN
            UPDATE products SET category_id = category_id WHERE category_id = new.id;
        END;
        """;

    /// <summary>Creates the index objects (idempotent) and indexes rows that exist already.</summary>
    public static async Task EnsureCreatedAsync(DbContext db, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlRawAsync(Script, cancellationToken);
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO product_search_fts (rowid, name, brand, category, description)
            SELECT p.id, p.name, coalesce(p.brand, ''), coalesce(c.name, ''), p.description
            FROM products p LEFT JOIN categories c ON c.id = p.category_id
            WHERE p.deleted_at IS NULL AND p.id NOT IN (SELECT rowid FROM product_search_fts);
            INSERT INTO product_search_words (rowid, words)
            SELECT p.id, p.name || ' ' || coalesce(p.brand, '') || ' ' || coalesce(c.name, '') || ' ' || p.description
            FROM products p LEFT JOIN categories c ON c.id = p.category_id
            WHERE p.deleted_at IS NULL AND p.id NOT IN (SELECT rowid FROM product_search_words);
            """, cancellationToken);
    }
}
