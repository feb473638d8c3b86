using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HeadlessShop.Api.Data.Migrations
{
    /// <summary>
    /// A transactional generation for everything database search reads, so a search result can be cached and still
    /// follow every commit at once (read-your-writes, on every instance). Every search input lives on the
    /// <c>products</c> row or reaches it through the AddSearch triggers (variants, categories, vocabulary), so a
    /// deferred trigger on <c>products</c> moves one of 16 stripes to a new value from a sequence when a transaction
    /// that wrote products commits. A reader reads all 16 in its own snapshot: the same 16 values mean no search
    /// input has changed in between.
    /// <list type="bullet">
    /// <item>Deferred to commit, once per transaction (a transaction-local flag), so a stripe's row lock is the last
    /// lock a writer takes and is held only while it commits: it cannot take part in a deadlock.</item>
    /// <item>16 stripes chosen by backend pid, so concurrent writers on different connections rarely wait for each other.</item>
    /// <item>Values come from a sequence, so a value never repeats (an upsert brings a removed stripe back).</item>
    /// </list>
    /// </summary>
    public partial class AddSearchGenerations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE SEQUENCE search_generation_seq;
                CREATE TABLE search_generations (stripe smallint PRIMARY KEY, generation bigint NOT NULL);
                INSERT INTO search_generations (stripe, generation)
                SELECT s, nextval('search_generation_seq') FROM generate_series(0, 15) AS s;

                CREATE FUNCTION search_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF current_setting('headlessshop.search_bumped', true) IS DISTINCT FROM '1' THEN
                        PERFORM set_config('headlessshop.search_bumped', '1', true);
                        INSERT INTO search_generations (stripe, generation)
                        VALUES (pg_backend_pid() % 16, nextval('search_generation_seq'))
                        ON CONFLICT (stripe) DO UPDATE SET generation = excluded.generation;
                    END IF;
                    RETURN NULL;
                END $$;

                CREATE CONSTRAINT TRIGGER products_search_generation AFTER INSERT OR UPDATE OR DELETE ON products
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION search_bump_generation();
                CREATE TRIGGER products_search_generation_truncate AFTER TRUNCATE ON products
                    FOR EACH STATEMENT EXECUTE FUNCTION search_bump_generation();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS products_search_generation_truncate ON products;
                DROP TRIGGER IF EXISTS products_search_generation ON products;
                DROP FUNCTION IF EXISTS search_bump_generation();
                DROP TABLE IF EXISTS search_generations;
                DROP SEQUENCE IF EXISTS search_generation_seq;
                """);
        }
    }
}
