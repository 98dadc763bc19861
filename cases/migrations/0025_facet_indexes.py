from django.db import migrations, models

# A list's facet counts read the province, type and year of its cases, and the themes of its cases
# (cases/facets.py): both from an index alone.  A theme's list starts from its links: (theme, case).
THEME_CASE = "CREATE INDEX IF NOT EXISTS case_themes_theme_case ON cases_case_themes (theme_id, case_id)"
# Last-Modified comes from the public version now (cases/pagecache.py), not from the newest ``updated``
# among published cases: nothing reads that index any more, and every save wrote to it.
UPDATED = "CREATE INDEX IF NOT EXISTS case_published_updated ON cases_case (updated) WHERE status = 'published'"


class Migration(migrations.Migration):
    dependencies = [("cases", "0024_case_evidence")]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["province", "doc_type", "year", "id"],
                name="case_published_facets",
            ),
        ),
        migrations.RunSQL(THEME_CASE, "DROP INDEX IF EXISTS case_themes_theme_case"),
        migrations.RunSQL("DROP INDEX IF EXISTS case_published_updated", UPDATED),
    ]
