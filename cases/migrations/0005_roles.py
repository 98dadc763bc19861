from django.db import migrations


def create_roles(apps, schema_editor):
    from cases.roles import sync_roles

    sync_roles(apps)


def remove_roles(apps, schema_editor):
    from cases.roles import ROLES

    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    """The editors' groups 编辑 and 审核 (see cases/roles.py)."""

    dependencies = [
        ("cases", "0004_history_version_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
