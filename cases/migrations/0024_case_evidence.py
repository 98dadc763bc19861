from importlib import import_module

from django.db import migrations, models

HELP = "导入程序推断地区、年份、文档类型和主题的依据（原文位置或规则）；编辑修改过的字段不再显示依据"
# SQLite adds a JSON column by rebuilding the table, which drops the partial indexes that
# migrations 0009 and 0013 wrote by hand: they are made again (IF NOT EXISTS elsewhere).
list_order = import_module("cases.migrations.0009_list_order_indexes")
lookups = import_module("cases.migrations.0013_lookup_indexes")


def indexes(apps, schema_editor):
    list_order.create(apps, schema_editor)
    lookups.create(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("cases", "0023_text_match_cost")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="evidence",
            field=models.JSONField(blank=True, default=dict, editable=False, help_text=HELP, verbose_name="推断依据"),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="evidence",
            field=models.JSONField(blank=True, default=dict, editable=False, help_text=HELP, verbose_name="推断依据"),
        ),
        migrations.RunPython(indexes, migrations.RunPython.noop),
    ]
