from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from dpga.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a `manage.py backup` archive (database and media) into an empty install."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz written by `manage.py backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even though the database already has content (objects are merged).",
        )

    def handle(self, *args, archive, force=False, **options):
        call_command("migrate", interactive=False, verbosity=0)
        try:
            manifest = restore_backup(archive, allow_non_empty=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        total = sum(manifest["objects"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {total} objects and {manifest['media_files']} media files "
                f"from {archive} (made {manifest['created']})."
            )
        )
