from django.db import migrations


# Migration 0015 told PostgreSQL that checking a stored vector against a query costs 100
# operators.  Search now takes at most N cases per word (cases/search.py, CANDIDATES): with
# a LIMIT, a word in a third of the library still looked cheaper to find by reading the
# table and checking vector after vector (1,800 vectors read out of line: 160 ms at 100,000
# cases) than through the GIN index (3 ms).  A vector read out of line costs about ten
# times more than 0015 said; at 1000 the index is chosen.  Same DBA step as 0015 where the
# portal's user does not own the catalog (README, Deployment).
STATEMENT = "ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) COST {cost}"


def set_cost(cost):
    def run(apps, schema_editor):
        from django.db import transaction

        if schema_editor.connection.vendor != "postgresql":
            return
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute(STATEMENT.format(cost=cost))
        except Exception as error:  # noqa: BLE001 — insufficient privilege: a DBA's step
            print(f"\n  Could not set the text match's cost ({error}).\n  As a superuser, run: {STATEMENT.format(cost=cost)};")

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0022_synonyms")]
    operations = [migrations.RunPython(set_cost(1000), set_cost(100))]
