"""`manage.py backup`: the database and the uploaded media in one .tar.gz archive
(see dpga/backups.py), by default in settings.BACKUP_DIR (DJANGO_BACKUP_DIR)."""

from django.core.management.base import BaseCommand

from dpga.backups import create_backup, new_backup_path


class Command(BaseCommand):
    help = "Write the database and the uploaded media to one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Archive path (default: dpga-<UTC time>.tar.gz in DJANGO_BACKUP_DIR, "
            "backups/ in the project folder).",
        )

    def handle(self, *args, output=None, **options):
        if not output:
            output = new_backup_path("dpga")
        manifest = create_backup(output)
        total = sum(manifest["objects"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {total} objects and {manifest['media_files']} media files to {output}"
            )
        )
