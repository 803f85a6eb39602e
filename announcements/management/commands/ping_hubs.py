"""Announce changed feeds to the WebSub hub; for a cron entry (see README).

Scheduled announcements go live without a worker, and a background ping can
fail or be cut short; this command compares every feed's current content with
what the hub was last told (FeedState) and pings only the feeds that differ.
Running it twice in a row pings nothing the second time.
"""

from django.core.management.base import BaseCommand, CommandError

from announcements.feed_scopes import all_scope_keys
from announcements.feeds import hub_url
from announcements.websub import deliver, plan_announcements


class Command(BaseCommand):
    help = "Ping the WebSub hub for every feed whose content changed since it was last announced."

    def handle(self, *args, **options):
        if not hub_url():
            self.stdout.write("WEBSUB_HUB_URL is not set: no hub to ping.")
            return
        plan = plan_announcements(all_scope_keys(), only_changed=True)
        announced, failed = deliver(plan)
        self.stdout.write(
            f"{len(announced)} feed(s) announced, {len(failed)} failed, nothing new in the others."
        )
        for key in announced:
            self.stdout.write(f"  announced {key}")
        if failed:
            raise CommandError(
                "The hub did not accept: " + ", ".join(failed) + " (the next run retries them)."
            )
