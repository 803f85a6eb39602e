"""Create the two editorial roles: Editors write, Publishers also publish."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    ("announcements", "add_announcement"),
    ("announcements", "change_announcement"),
    ("announcements", "view_announcement"),
    ("members", "add_member"),
    ("members", "change_member"),
    ("members", "view_member"),
    ("taggit", "add_tag"),
    ("taggit", "view_tag"),
]
PUBLISHER_EXTRA_PERMISSIONS = [
    ("announcements", "publish_announcement"),
    ("announcements", "delete_announcement"),
    ("taggit", "change_tag"),
]


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(pairs):
        return [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in pairs
        ]

    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*permissions(EDITOR_PERMISSIONS))
    publishers, _ = Group.objects.get_or_create(name="Publishers")
    publishers.permissions.add(*permissions(EDITOR_PERMISSIONS + PUBLISHER_EXTRA_PERMISSIONS))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Publishers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("announcements", "0001_initial"),
        ("members", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
