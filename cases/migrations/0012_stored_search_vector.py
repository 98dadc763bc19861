from django.db import migrations

# The search index was on an expression: to_tsvector() over the stored tokens.  Whenever
# PostgreSQL chose to check a match row by row (a search within a province, where the
# province's index is the cheaper start), it re-parsed each case's whole text: 1.6 ms a case,
# 4 s for a search of a common word in one province.  The vector is now a stored column
# (positions stripped: nothing reads them), the index is on the column, and a row-by-row
# check reads the stored vector.  Same index name: the plans the tests pin are unchanged.
INDEX = "cases_case_search_gin"
VECTOR = (
    "strip(to_tsvector('simple'::regconfig, COALESCE(search_title, '') || ' ' || COALESCE(search_body, '')))"
)
OLD_EXPRESSION = (
    "setweight(to_tsvector('simple'::regconfig, COALESCE(search_title, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, COALESCE(search_body, '')), 'C')"
)


def store(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"ALTER TABLE cases_case ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED")
    schema_editor.execute(f"CREATE INDEX {INDEX} ON cases_case USING gin (search_vector)")


def unstore(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute("ALTER TABLE cases_case DROP COLUMN IF EXISTS search_vector")
    schema_editor.execute(f"CREATE INDEX {INDEX} ON cases_case USING gin (({OLD_EXPRESSION}))")


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_narrow_case_rows")]
    operations = [migrations.RunPython(store, unstore)]
