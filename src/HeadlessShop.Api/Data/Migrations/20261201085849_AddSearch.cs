using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HeadlessShop.Api.Data.Migrations
{
    /// <summary>
    /// Database search: a weighted tsvector, the facet columns (category slug, colors and sizes from the variants'
    /// option values) and a word vocabulary for pg_trgm typo correction. All of it is kept by triggers, so every
    /// writer (seeder, admin edits, anything written later) keeps search fresh without knowing about it. The columns
    /// are outside the EF model on purpose: EF never writes them.
    /// </summary>
    public partial class AddSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE EXTENSION IF NOT EXISTS pg_trgm;

                ALTER TABLE products
                    ADD COLUMN search_vector tsvector,
                    ADD COLUMN search_category text,
                    ADD COLUMN search_colors text[] NOT NULL DEFAULT '{}',
                    ADD COLUMN search_sizes text[] NOT NULL DEFAULT '{}';

                CREATE TABLE search_terms (term text PRIMARY KEY);
                CREATE INDEX ix_search_terms_trgm ON search_terms USING gin (term gin_trgm_ops);
                CREATE INDEX ix_search_terms_prefix ON search_terms (term text_pattern_ops);

                -- Name weighs most (A), then brand and category (B), then description (C).
                CREATE FUNCTION search_refresh_product() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    category_name text;
                BEGIN
                    SELECT c.slug, c.name INTO NEW.search_category, category_name FROM categories c WHERE c.id = NEW.category_id;
                    IF TG_OP = 'INSERT' OR NEW.search_vector IS NULL
                       OR NEW.name IS DISTINCT FROM OLD.name OR NEW.brand IS DISTINCT FROM OLD.brand
                       OR NEW.description IS DISTINCT FROM OLD.description OR NEW.category_id IS DISTINCT FROM OLD.category_id THEN
                        NEW.search_vector :=
                               setweight(to_tsvector('english', coalesce(NEW.name, '')), 'A')
                            || setweight(to_tsvector('english', coalesce(NEW.brand, '') || ' ' || coalesce(category_name, '')), 'B')
                            || setweight(to_tsvector('english', coalesce(NEW.description, '')), 'C');
                        -- Sorted, so concurrent writers take the vocabulary's key locks in one order (no deadlock).
                        INSERT INTO search_terms (term)
                        SELECT DISTINCT w.word
                        FROM regexp_split_to_table(lower(coalesce(NEW.name, '') || ' ' || coalesce(NEW.brand, '') || ' '
                                 || coalesce(category_name, '') || ' ' || coalesce(NEW.description, '')), '[^[:alnum:]]+') AS w(word)
                        WHERE length(w.word) BETWEEN 2 AND 64
                          AND NOT EXISTS (SELECT 1 FROM search_terms t WHERE t.term = w.word)
                        ORDER BY w.word
                        ON CONFLICT DO NOTHING;
                    END IF;
                    SELECT coalesce(array_agg(DISTINCT o.value ->> 'value') FILTER (WHERE lower(o.value ->> 'name') = 'color'), '{}'),
                           coalesce(array_agg(DISTINCT o.value ->> 'value') FILTER (WHERE lower(o.value ->> 'name') = 'size'), '{}')
                    INTO NEW.search_colors, NEW.search_sizes
                    FROM product_variants v CROSS JOIN LATERAL jsonb_array_elements(v.option_values::jsonb) AS o(value)
                    WHERE v.product_id = NEW.id;
                    RETURN NEW;
                END $$;

                CREATE TRIGGER products_search_refresh BEFORE INSERT OR UPDATE ON products
                    FOR EACH ROW EXECUTE FUNCTION search_refresh_product();

                -- Variant rows carry the option values: touching their products re-runs the refresh above, once per
                -- product per statement (EF inserts a product's variants in one statement).
                CREATE FUNCTION search_refresh_variant_products() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE products p SET search_colors = p.search_colors
                    WHERE p.id IN (SELECT DISTINCT changed_variants.product_id FROM changed_variants);
                    RETURN NULL;
                END $$;

                CREATE TRIGGER product_variants_search_insert AFTER INSERT ON product_variants
                    REFERENCING NEW TABLE AS changed_variants FOR EACH STATEMENT EXECUTE FUNCTION search_refresh_variant_products();
                CREATE TRIGGER product_variants_search_update AFTER UPDATE ON product_variants
                    REFERENCING NEW TABLE AS changed_variants FOR EACH STATEMENT EXECUTE FUNCTION search_refresh_variant_products();
                CREATE TRIGGER product_variants_search_delete AFTER DELETE ON product_variants
                    REFERENCING OLD TABLE AS changed_variants FOR EACH STATEMENT EXECUTE FUNCTION search_refresh_variant_products();

                CREATE FUNCTION search_refresh_category_products() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE products SET search_vector = NULL WHERE category_id = NEW.id;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER categories_search_refresh AFTER UPDATE OF name, slug ON categories
                    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.slug IS DISTINCT FROM NEW.slug)
                    EXECUTE FUNCTION search_refresh_category_products();

                UPDATE products SET search_vector = NULL;

                CREATE INDEX ix_products_search_vector ON products USING gin (search_vector);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS categories_search_refresh ON categories;
                DROP TRIGGER IF EXISTS product_variants_search_insert ON product_variants;
                DROP TRIGGER IF EXISTS product_variants_search_update ON product_variants;
                DROP TRIGGER IF EXISTS product_variants_search_delete ON product_variants;
                DROP TRIGGER IF EXISTS products_search_refresh ON products;
                DROP FUNCTION IF EXISTS search_refresh_category_products();
                DROP FUNCTION IF EXISTS search_refresh_variant_products();
                DROP FUNCTION IF EXISTS search_refresh_product();
                DROP TABLE IF EXISTS search_terms;
                ALTER TABLE products
                    DROP COLUMN IF EXISTS search_vector,
                    DROP COLUMN IF EXISTS search_category,
                    DROP COLUMN IF EXISTS search_colors,
                    DROP COLUMN IF EXISTS search_sizes;
                """);
        }
    }
}
