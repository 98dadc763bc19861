from importlib import import_module

from django.db import migrations, models

# Search ranks a word in the summary between the title and the text, and reads, for each
# word, a bounded number of cases from the best-placed ones first (cases/search.py): the
# title and summary hits, then the rest.  The summary's tokens are stored beside the
# title's (both databases).  On PostgreSQL a small stored vector holds the title's tokens
# as ``t:word``, the summary's as ``s:word`` and the case's places as in migration 0014,
# behind its own GIN index: "cases holding 养老 in the title" is an index lookup, however
# many cases hold 养老 somewhere.  Filling the tokens rewrites every row (about 4 minutes at
# 100,000 cases on two cores: PostgreSQL recomputes the stored search vector of each row).
INDEX = "cases_case_head_gin"
PLACES = import_module("cases.migrations.0014_places_in_search_vector").PLACES


def _prefixed(column: str, prefix: str) -> str:
    return f"regexp_replace(btrim(COALESCE({column}, '')), '(\\S+)', '{prefix}:\\1', 'g')"


HEAD = (
    f"array_to_tsvector(array_remove(string_to_array({_prefixed('search_title', 't')} || ' ' || "
    f"{_prefixed('search_summary', 's')}, ' '), '')) || {PLACES}"
)
BATCH = 1000


def fill(apps, schema_editor):
    from cases.text import index_tokens

    Case = apps.get_model("cases", "Case")
    ids = list(Case.objects.exclude(summary="").order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        cases = list(Case.objects.filter(pk__in=ids[start : start + BATCH]).only("pk", "summary"))
        for case in cases:
            case.search_summary = index_tokens(case.summary)
        Case.objects.bulk_update(cases, ["search_summary"])


def head(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE cases_case ADD COLUMN search_head tsvector GENERATED ALWAYS AS ({HEAD}) STORED")
        schema_editor.execute(f"CREATE INDEX {INDEX} ON cases_case USING gin (search_head)")
    else:
        # SQLite added the column by rebuilding the table, which drops the partial indexes that
        # migrations 0009 and 0013 wrote by hand: they are made again (as in 0024).
        import_module("cases.migrations.0009_list_order_indexes").create(apps, schema_editor)
        import_module("cases.migrations.0013_lookup_indexes").create(apps, schema_editor)


def no_head(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute("ALTER TABLE cases_case DROP COLUMN IF EXISTS search_head")


class Migration(migrations.Migration):
    dependencies = [("cases", "0027_places")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="search_summary",
            field=models.TextField(blank=True, default="", editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(head, no_head),
    ]
