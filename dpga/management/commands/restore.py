"""`manage.py restore ARCHIVE`: a `manage.py backup` archive back into an install.

Into an empty install it restores at once. Over content it asks first (type
"yes"), or, where nobody can answer, needs --overwrite; either way the content
is first saved to a new backup in settings.BACKUP_DIR (0600), whose path is
printed: restored into an empty install, that backup brings the content back.
Declining changes nothing. A broken or hostile archive is refused with a
one-line CommandError (see dpga/backups.py); media files not restored are
listed on stderr.
"""

import argparse

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from dpga.backups import BackupError, InstallNotEmpty, new_backup_path, restore_backup

# How many media files not restored are named one by one.
LISTED_SKIPS = 20


class Command(BaseCommand):
    help = (
        "Restore a `manage.py backup` archive (database and media). Over existing content "
        "it asks first, and saves that content to a backup before changing anything."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz written by `manage.py backup`.")
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help=(
                "Restore over existing content without asking. The content is first saved "
                "to a backup in DJANGO_BACKUP_DIR; the archive's rows then replace the rows "
                "with the same id, passwords included."
            ),
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Never ask: over existing content, refuse unless --overwrite is given.",
        )
        # The old spelling, which restored over content without a question.
        parser.add_argument("--force", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, archive, overwrite=False, interactive=True, force=False, **options):
        if force and not overwrite:
            raise CommandError(
                "--force no longer restores over content without a question: answer yes "
                "when asked, or pass --overwrite (the content is first saved to a backup). "
                "Nothing was changed."
            )
        call_command("migrate", interactive=False, verbosity=0)

        def confirm(content, save_to):
            if overwrite:
                return True
            return interactive and self.ask(archive, content, save_to)

        save_to = new_backup_path("before-restore")
        try:
            restored = restore_backup(archive, save_current_to=save_to, confirm=confirm)
        except InstallNotEmpty as error:
            raise CommandError(
                f"{error} To restore over it, answer yes when asked, or pass --overwrite: "
                f"the content is first saved to a backup in {settings.BACKUP_DIR}."
            ) from None
        except BackupError as error:
            saved = (
                f" Its content before the restore is saved in {save_to}."
                if save_to.exists()
                else ""
            )
            raise CommandError(f"{error}{saved}") from None
        if restored["saved_current_to"]:
            self.stdout.write(
                f"Saved the content this install had to {restored['saved_current_to']} "
                "(restore it into an empty install to bring it back)."
            )
        total = sum(restored["objects"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {total} objects and {restored['media_files']} media files "
                f"from {archive} (made {restored['created']})."
            )
        )
        self.report_skipped(restored["skipped"])

    def ask(self, archive, content, save_to):
        """Whether the person at the terminal types "yes" to restoring over content."""
        self.stdout.write(
            f"This install already has content: {', '.join(content)}.\n"
            f"Restoring {archive} over it replaces the rows with the same id (passwords "
            "included); other rows stay.\n"
            f"Its content is first saved to {save_to}."
        )
        try:
            answer = input("Type 'yes' to restore over it, anything else to cancel: ")
        except (EOFError, KeyboardInterrupt, OSError):  # nobody to answer: no
            self.stdout.write("")
            return False
        return answer.strip().lower() == "yes"

    def report_skipped(self, skipped):
        if not skipped:
            return
        listed = "\n  ".join(skipped[:LISTED_SKIPS])
        more = (
            f"\n  ... and {len(skipped) - LISTED_SKIPS} more" if len(skipped) > LISTED_SKIPS else ""
        )
        self.stderr.write(
            self.style.WARNING(
                f"{len(skipped)} media file(s) in the archive were not restored:\n  {listed}{more}"
            )
        )
