"""Feed documents: which items one feed document shows, and its validators.

A feed *document* is a subscription document or one RFC 5005 archive page
(``?page=N``). ``FeedDocument`` chooses its items from a few small queries,
renders nothing, and gives the validators, made from exactly what the document
shows:

* a strong ``ETag``: a hash of how the feed renders it (format, language, host,
  the feed object's rendered fields, given by the feed) and the (id, updated,
  published) of the items shown, plus the feed's last recorded change
  (``FeedState``, which catches removals and tag changes) and the last time a
  name its items show changed (an author's or a tag's, ``FeedState.renamed_at``:
  no item's own dates move then); so an edit under another tag leaves this
  feed's ETag alone;
* ``Last-Modified``: the newest change among those.

Archives (RFC 5005, section 4): items are numbered oldest first and cut into
pages of ``ARCHIVE_PAGE_SIZE``; only complete pages are archives, so an archive
page never changes when news is published. The subscription document holds the
newest ``FEED_SIZE`` items and links ``prev-archive`` (and ``next``, for
readers that know paged feeds) to the newest archive page.
"""

import hashlib

from django.db.models import Count, Max, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from . import reading
from .models import FeedState

FEED_SIZE = 20
ARCHIVE_PAGE_SIZE = 20  # at most FEED_SIZE, so subscription + archives hold every item
# Bump when the feed output changes shape, so every ETag changes with it.
FEED_FORMAT_VERSION = "3"


def parse_page(request):
    """The archive page asked for: None for the subscription document; junk is 404."""
    value = request.GET.get("page")
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 9 or int(value) < 1:
        raise Http404(_("No such archive page."))
    return int(value)


class FeedDocument:
    """Which published announcements one feed document shows, newest first.

    Two small queries (a count, with the feed's last recorded change when
    `state_key` names it, and a slice of ids and dates); nothing rendered.
    """

    def __init__(self, announcements, page=None, state_key=None):
        self.page = page
        facts = self.facts(announcements, page, state_key)
        self.total, self.state_changed_at, self.renamed_at, self.rows = facts
        self.archive_pages = self.total // ARCHIVE_PAGE_SIZE
        if self.rows is None:
            raise Http404(_("No such archive page."))
        self.pks = [pk for pk, _updated, _published in self.rows]

    @staticmethod
    def facts(announcements, page, state_key):
        """(total, the feed's recorded change, its last rename, rows of (pk, updated,
        published)); rows is None for an archive page that does not exist."""
        published = announcements.published()
        state = FeedState.objects.filter(key=state_key)
        totals = published.aggregate(
            total=Count("pk"),
            **{
                field: Max(Subquery(state.values(field)[:1]))
                for field in ("changed_at", "renamed_at")
            },
        )
        total, changed_at, renamed_at = totals["total"], totals["changed_at"], totals["renamed_at"]
        # With no published row the aggregate has no row to carry the state on.
        if not total and state_key is not None:
            recorded = state.values_list("changed_at", "renamed_at").first()
            changed_at, renamed_at = recorded or (None, None)
        if page is not None and page > total // ARCHIVE_PAGE_SIZE:
            return total, changed_at, renamed_at, None
        fields = ("pk", "updated_at", "publish_at")
        if page is None:
            rows = list(published.newest_first().values_list(*fields)[:FEED_SIZE])
        else:
            start = (page - 1) * ARCHIVE_PAGE_SIZE
            oldest_first = published.order_by("publish_at", "pk").values_list(*fields)
            rows = list(oldest_first[start : start + ARCHIVE_PAGE_SIZE])[::-1]
        return total, changed_at, renamed_at, rows

    @property
    def newest_change(self):
        return max((max(updated, published) for _pk, updated, published in self.rows), default=None)

    @property
    def updated(self):
        """The document's own date (Atom updated, RSS lastBuildDate): only from what the ETag covers."""
        dates = [self.newest_change]
        if self.page is None:
            dates.append(self.state_changed_at)
        return max((d for d in dates if d), default=None)

    def fingerprint(self):
        """What identifies this document's items (format-independent)."""
        rows = ";".join(
            f"{pk},{updated.timestamp()},{published.timestamp()}"
            for pk, updated, published in self.rows
        )
        if self.page is None:
            links = f"archives={self.archive_pages}"
        else:  # an archive page links on only while a newer archive exists
            links = f"page={self.page},newest={self.page == self.archive_pages}"
        return f"{links}|{rows}"

    def etag(self, *rendering):
        """A strong ETag for this document as rendered with these facts (format, host...)."""
        parts = [FEED_FORMAT_VERSION, *rendering, self.fingerprint()]
        # A renamed author or tag changes the items' text, not their dates: every
        # document counts it.
        parts.append(self.renamed_at.timestamp() if self.renamed_at else "")
        if self.page is None:
            # The feed's last recorded change catches what the rows cannot show
            # (an item retagged in place). Archive pages leave it out so that
            # they stay the same while news is published; their rows suffice.
            parts.append(self.state_changed_at.timestamp() if self.state_changed_at else "")
        return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:40]

    def last_modified(self, *other_changes):
        """The newest change shown, also counting other_changes (the feed object's edits).

        Last-Modified errs late, never early: it also counts the feed's last
        recorded change (an item leaving an archive page).
        """
        candidates = [self.updated, self.state_changed_at, self.renamed_at, *other_changes]
        return max((d for d in candidates if d), default=None)

    def items(self):
        """The announcements, with what a feed item shows, in the document's order."""
        return reading.feed_items(self.pks)
