import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from dpga.backups import create_backup


class Command(BaseCommand):
    help = "Write the database and the uploaded media to one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Archive path (default: backups/dpga-<UTC time>.tar.gz in the project folder).",
        )

    def handle(self, *args, output=None, **options):
        if not output:
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
            output = Path(settings.BASE_DIR) / "backups" / f"dpga-{stamp}.tar.gz"
        manifest = create_backup(output)
        total = sum(manifest["objects"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {total} objects and {manifest['media_files']} media files to {output}"
            )
        )
