from django.db import migrations

# The public list's default order (newest year first, then newest id) over published cases only:
# the first page of any list reads 20 index entries instead of sorting the library.
# SQLite sorts NULL below every value, so DESC already puts cases without a year last there.
INDEXES = {
    "case_published_newest": "(year DESC{nulls}, id DESC)",
    "case_published_province_newest": "(province_id, year DESC{nulls}, id DESC)",
}


def create(apps, schema_editor):
    nulls = " NULLS LAST" if schema_editor.connection.vendor == "postgresql" else ""
    for name, columns in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON cases_case {columns.format(nulls=nulls)} WHERE status = 'published'"
        )


def drop(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_fix_self_parented_cities")]
    operations = [migrations.RunPython(create, drop)]
