"""Pages of announcements that cost the same at page 1 and at page 5,000.

``?page=N`` stays the address of a page, but the database is never asked to
skip (OFFSET) the rows before it. Two queries count the rows of the whole
list and number them, keeping the key (publish time, id) of the first row of
every page; that *page index* is cached for the current content version (see
dpga.content_version), in chunks. A page is then an index seek: the rows at or after its
first key, newest first, limited to a page.
"""

from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.functional import cached_property

from dpga import content_version
from dpga.prepared import PreparedQuery

KEYSET_ORDERING = (("-publish_at", "-pk"), ("-publish_at", "-id"))
# Page starts are cached in chunks of this many pages.
INDEX_CHUNK = 200


class KeysetPaginator(Paginator):
    """A Paginator for querysets ordered newest first (``-publish_at, -pk``).

    ``index_key`` names the list for the cache (view and arguments); without it
    the index is computed on every use. Querysets in another order (ranked
    search results) are paged the ordinary way.
    """

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        self.index_key = kwargs.pop("index_key", None)
        self.prepared = kwargs.pop("prepared", None)
        super().__init__(object_list, per_page, orphans, allow_empty_first_page, **kwargs)
        if self.prepared is not None:  # newest first; object_list is not looked at yet
            self.keyset = not orphans
            return
        ordering = tuple(getattr(object_list, "query", None) and object_list.query.order_by or ())
        self.keyset = ordering in KEYSET_ORDERING and not orphans

    def _check_object_list_is_ordered(self):
        if self.prepared is None:
            super()._check_object_list_is_ordered()

    @cached_property
    def page_index(self):
        """(count, [(publish_at, pk) of the first row of each page]), computed now:
        one query, each page's first row carrying the count of the whole list."""
        starts = (
            self.object_list.order_by()
            .prefetch_related(None)
            .annotate(
                row=Window(RowNumber(), order_by=[F("publish_at").desc(), F("pk").desc()]),
                count=Window(Count("pk")),
            )
            # Row numbers are 1-based: pages start at rows 1, per_page + 1, ...
            .annotate(phase=(F("row") - 1) % self.per_page)
            .filter(phase=0)
            .values_list("publish_at", "pk", "count")
        )
        starts = sorted(starts, reverse=True)  # newest first
        count = starts[0][2] if starts else 0
        return count, [(publish_at, pk) for publish_at, pk, _count in starts]

    @cached_property
    def _cache(self):
        name = "page-index:" + content_version.signature(self.index_key, self.per_page)
        return name, content_version.content_state()

    def _cached_part(self, part):
        """The count or one chunk of page starts, from the cache; all of them on a miss.

        In chunks, so a request reads a few hundred keys, not a list as long as
        the archive.
        """
        name, state = self._cache
        found, value = content_version.recall(f"{name}:{part}", state)
        if found:
            return value
        count, starts = self.page_index
        parts = {f"{name}:count": count}
        for chunk in range(0, len(starts), INDEX_CHUNK):
            parts[f"{name}:{chunk // INDEX_CHUNK}"] = starts[chunk : chunk + INDEX_CHUNK]
        content_version.store(parts, state)
        return parts[f"{name}:{part}"]

    @cached_property
    def count(self):
        if self.index_key is None:
            return self.page_index[0] if self.keyset else super().count
        if not self.keyset:  # ranked search results: the count alone is kept
            name, state = self._cache
            return content_version.remember(f"{name}:count", self.object_list.count, state)
        return self._cached_part("count")

    def page_start(self, number):
        """The key (publish_at, pk) of the first row of page ``number``."""
        if self.index_key is None:
            return self.page_index[1][number - 1]
        chunk = self._cached_part((number - 1) // INDEX_CHUNK)
        return chunk[(number - 1) % INDEX_CHUNK]

    def page(self, number):
        if not self.keyset:
            return super().page(number)
        number = self.validate_number(number)
        if not self.count:
            return self._get_page(self.object_list.none(), number, self)
        publish_at, pk = self.page_start(number)
        if self.prepared is None or self.index_key is None:
            rows = _from(self.object_list, publish_at, pk)[: self.per_page]
        else:
            rows = self._prepared_rows(publish_at, pk)
        return self._get_page(rows, number, self)

    def _prepared_rows(self, publish_at, pk):
        """The page's rows from SQL built once per list (see dpga.prepared).

        ``prepared`` is (build, values, shape): build(now, **values) makes the
        list's queryset, as the view does; values are what it depends on beyond
        what ``shape`` names -- by default the list itself (``index_key``), so a
        member's id, say; a search's shape is its language and number of words.
        """
        build, values, shape = self.prepared

        def query(*_shape, now, start_at, start_pk, **values):
            return _from(build(now, **values), start_at, start_pk)[: self.per_page]

        list_name, _state = self._cache  # a digest of index_key and per_page
        shape = (list_name,) if shape is None else (*shape, self.per_page)
        values = {"now": timezone.now(), "start_at": publish_at, "start_pk": pk, **values}
        return _PAGES.run(shape, query, values)


def _from(rows, publish_at, pk):
    """The row (publish_at, pk) and every older one, newest first: an index range."""
    return rows.filter(publish_at__lte=publish_at).filter(
        Q(publish_at__lt=publish_at) | Q(pk__lte=pk)
    )


_PAGES = PreparedQuery(max_shapes=2000)
