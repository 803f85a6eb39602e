"""`manage.py restore ARCHIVE`: a `manage.py backup` archive back into an empty install.

A broken or hostile archive is refused with a one-line CommandError (see
dpga/backups.py); media files not restored are listed on stderr.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from dpga.backups import BackupError, restore_backup

# How many media files not restored are named one by one.
LISTED_SKIPS = 20


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
            restored = restore_backup(archive, allow_non_empty=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        total = sum(restored["objects"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {total} objects and {restored['media_files']} media files "
                f"from {archive} (made {restored['created']})."
            )
        )
        skipped = restored["skipped"]
        if skipped:
            listed = "\n  ".join(skipped[:LISTED_SKIPS])
            more = (
                f"\n  ... and {len(skipped) - LISTED_SKIPS} more"
                if len(skipped) > LISTED_SKIPS
                else ""
            )
            self.stderr.write(
                self.style.WARNING(
                    f"{len(skipped)} media file(s) in the archive were not restored:\n  "
                    f"{listed}{more}"
                )
            )
