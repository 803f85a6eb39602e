"""Let the editorial roles see the workflow records they work with."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    ("announcements", "view_previewlink"),
    ("announcements", "view_transition"),
]
PUBLISHER_EXTRA_PERMISSIONS = [
    ("announcements", "view_tagmerge"),
    ("dpga", "view_slugredirect"),
]


def grant(apps, schema_editor):
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


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    codenames = [code for _, code in EDITOR_PERMISSIONS + PUBLISHER_EXTRA_PERMISSIONS]
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Publishers"]):
        group.permissions.remove(*Permission.objects.filter(codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("announcements", "0004_workflow_history_previews"),
        ("dpga", "0001_moved_addresses"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
