from django.db import migrations

# A search within a place intersected two bitmaps: the GIN posting list of each word, and
# the place's btree.  For a common word (教育 is in 91 % of cases) PostgreSQL decoded 91,000
# postings to keep the 3,000 of one province: 30–140 ms.  The stored vector now also holds
# the case's places as lexemes that no query word can spell (``province:330000``; the query
# tokens never contain a colon), and a search within a place asks for them too: GIN's fast
# scan then skips through the common word's postings by the rare place lexeme (1 ms).
# PostgreSQL computes the column itself, so a case moved to another place is found there at
# once.  Same column, same index name.  Rewriting the column takes about 4 minutes at
# 100,000 cases on two cores (README: upgrading).
INDEX = "cases_case_search_gin"
WORDS = "strip(to_tsvector('simple'::regconfig, COALESCE(search_title, '') || ' ' || COALESCE(search_body, '')))"
PLACES = (
    "array_to_tsvector(array_remove(ARRAY['province:' || province_id, 'prefecture:' || prefecture_id, "
    "'county:' || county_id], NULL))"
)


def rebuild(schema_editor, expression):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute("ALTER TABLE cases_case DROP COLUMN IF EXISTS search_vector")
    schema_editor.execute(
        f"ALTER TABLE cases_case ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({expression}) STORED"
    )
    schema_editor.execute(f"CREATE INDEX {INDEX} ON cases_case USING gin (search_vector)")


def with_places(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        rebuild(schema_editor, f"{WORDS} || {PLACES}")


def words_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        rebuild(schema_editor, WORDS)


class Migration(migrations.Migration):
    dependencies = [("cases", "0013_lookup_indexes")]
    operations = [migrations.RunPython(with_places, words_only)]
