from django.db import migrations, transaction

# Checking a case's stored vector against a query reads the vector out of line (7 kB,
# compressed, per case), but PostgreSQL's planner counts the match as one cheap operator.
# So for a word in most cases (教育: 91 %) it chose to scan the table and check every
# vector — 1 s — instead of the GIN index and the heap (60 ms).  The match function is
# told what it costs.  Changing a catalog function needs its owner (a superuser): where the
# portal's database user is not, the migration says so and a DBA runs the same statement
# (README, Deployment).
STATEMENT = "ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) COST {cost}"
MATCH_COST = 100


def set_cost(cost):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute(STATEMENT.format(cost=cost))
        except Exception as error:  # noqa: BLE001 — insufficient privilege: a DBA's step
            print(f"\n  Could not set the text match's cost ({error}).\n  As a superuser, run: {STATEMENT.format(cost=cost)};")

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0014_places_in_search_vector")]
    operations = [migrations.RunPython(set_cost(MATCH_COST), set_cost(1))]
