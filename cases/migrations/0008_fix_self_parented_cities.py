from django.db import migrations


def fix(apps, schema_editor):
    """东莞, 中山 and 儋州 are prefecture-level cities without counties; an earlier
    gazetteer listed each as a county whose parent was itself."""
    Region = apps.get_model("cases", "Region")
    for region in Region.objects.all().filter(parent_id__isnull=False):
        if region.parent_id == region.code:
            region.level = "prefecture"
            region.parent_id = region.code[:2] + "0000"
            region.save(update_fields=["level", "parent"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_library_state")]
    operations = [migrations.RunPython(fix, migrations.RunPython.noop)]
