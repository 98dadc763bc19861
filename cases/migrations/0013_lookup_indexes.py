from django.db import migrations

# related_to reads the newest cases of each keyword: an index on (tag, object) answers it
# without touching the thousands of other links of a popular keyword.  The API's
# Last-Modified is the newest change among published cases: a partial index on ``updated``
# answers it in one step instead of a scan of the library.
INDEXES = {
    "taggeditem_tag_object": "taggit_taggeditem (tag_id, object_id)",
    "case_published_updated": "cases_case (updated) WHERE status = 'published'",
}


def create(apps, schema_editor):
    for name, target in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_stored_search_vector")]  # 0001 made the keyword links
    operations = [migrations.RunPython(create, drop)]
