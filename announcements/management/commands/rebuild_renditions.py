"""Regenerate every rendition, logo tile and share card from the stored originals.

Safe to run any number of times: each run writes the same files under the same
names and removes files that are no longer referenced. Originals that still
carry metadata (uploaded before metadata was stripped) are cleaned on the way.
Run it after deploying a change to rendition sizes or formats.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from announcements.models import Announcement
from dpga.models import LibraryPicture
from dpga.pictures import renditions
from members.models import Member

BAR_WIDTH = 30


class ProgressBar:
    """A one-line progress bar on a terminal; plain lines otherwise (logs, CI)."""

    def __init__(self, stream, label, total):
        self.stream, self.label, self.total = stream, label, total
        self.interactive = hasattr(stream, "isatty") and stream.isatty()
        self.done = 0

    def step(self):
        self.done += 1
        filled = BAR_WIDTH * self.done // max(self.total, 1)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        line = f"{self.label:<14} [{bar}] {self.done}/{self.total}"
        if self.interactive:
            self.stream.write("\r" + line, ending="")
            if self.done == self.total:
                self.stream.write("")
        elif self.done == self.total or self.done % 25 == 0:
            self.stream.write(line)
        self.stream.flush()


class Command(BaseCommand):
    help = "Regenerate picture renditions, logo tiles and share cards (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--only",
            choices=["announcements", "members", "library"],
            help="Rebuild only one kind of picture.",
        )

    def handle(self, *args, only=None, **options):
        jobs = [("announcements", Announcement), ("members", Member), ("library", LibraryPicture)]
        counts = {}
        for label, model in jobs:
            if only and only != label:
                continue
            queryset = model.objects.order_by("pk")
            bar = ProgressBar(self.stdout, label, queryset.count())
            counts[label] = 0
            for obj in queryset.iterator(chunk_size=100):
                try:
                    self.rebuild(obj)
                except Exception as error:  # noqa: BLE001 - report and go on with the rest
                    self.stderr.write(f"\n{label} #{obj.pk} ({obj}): {error}")
                else:
                    counts[label] += 1
                bar.step()
        summary = ", ".join(f"{count} {label}" for label, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Renditions rebuilt: {summary}."))
        return None

    def rebuild(self, obj):
        """Rebuild in place without touching updated_at (feeds must not see a change)."""
        with transaction.atomic():
            stale = obj.refresh_renditions(force=True)
            values = {name: getattr(obj, name) for name in obj.PICTURE_OUTPUTS}
            values["picture"] = obj.picture.name
            type(obj).objects.filter(pk=obj.pk).update(**values)
            renditions.delete_after_commit(obj.picture.storage, stale)
