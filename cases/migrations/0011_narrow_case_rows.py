from django.db import migrations

# PostgreSQL keeps a row's texts inline (compressed) up to about 2 kB, so each case row was
# ~1.5 kB and a search or a count over 30,000 matches read 120 MB of heap.  With a target of
# 256 bytes the long texts move to the TOAST table and the row keeps what lists and counts
# read (places, type, year, status, title and its search tokens, kept inline by MAIN):
# 146 MB → 30 MB of heap at 100,000 cases.  Rows are narrowed as they are written; for an
# existing library run `VACUUM FULL cases_case` once (README, "Deployment").


def narrow(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE cases_case SET (toast_tuple_target = 256), "
        "ALTER COLUMN title SET STORAGE MAIN, ALTER COLUMN search_title SET STORAGE MAIN"
    )


def widen(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE cases_case RESET (toast_tuple_target), "
        "ALTER COLUMN title SET STORAGE EXTENDED, ALTER COLUMN search_title SET STORAGE EXTENDED"
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_word_versions")]
    operations = [migrations.RunPython(narrow, widen)]
