"""Background tasks of the news: WebSub pings (and, in announcements/mailing.py, email).

Pings are sent by a worker, never by the editor's request: ``announce_feeds(keys)``
is called after the transaction commits (announcements/feed_changes.py) and
enqueues ``ping_feeds``. A scope the hub did not accept is tried again later with
a growing pause (``dpga.tasks.retry_later``); ``manage.py ping_hubs`` catches up
whatever is left. Pinging twice is harmless (the hub fetches the feed again).
"""

from dpga.tasks import enqueue, retry_later, task

from .feeds import hub_url
from .websub import deliver, hub_problem, plan_announcements


@task()
def ping_feeds(keys, attempt=1):
    """Ping the hub about these feed scopes; retry the ones it did not accept."""
    plan = plan_announcements(set(keys))
    announced, failed = deliver(plan)
    if failed and not hub_problem(hub_url()):  # a refused hub stays refused
        retry_later(ping_feeds, sorted(failed), attempt=attempt)
    return {"announced": announced, "failed": failed}


def announce_feeds(keys):
    """Enqueue the pings for these feed scopes (nothing without a hub)."""
    if hub_url() and keys:
        enqueue(ping_feeds, sorted(keys))
