"""Pages of announcements that cost the same at page 1 and at page 5,000.

``?page=N`` stays the address of a page, but the database is never asked to
skip (OFFSET) the rows before it. One query counts the rows of the whole list
and numbers them, keeping the key (publish time, id) of the first row of
every page; that *page index* is cached for the current content version (see
dpga.content_version), in chunks. A page is then an index seek: the rows at or after its
first key, newest first, limited to a page.

A ranked list (search results, best match first) is kept the same way as its
*ranking*: the ids of the whole list in order, in chunks. A page is then its
ten ids' rows, looked up by primary key: the ranking is computed once per
content state and search, not once per page and visitor.
"""

import contextlib

from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.functional import cached_property

from dpga import content_version
from dpga.prepared import PreparedQuery

KEYSET_ORDERING = (("-publish_at", "-pk"), ("-publish_at", "-id"))
# The page index and rankings are cached in chunks of this many pages.
INDEX_CHUNK = 200


class KeysetPaginator(Paginator):
    """A Paginator for querysets ordered newest first (``-publish_at, -pk``).

    ``index_key`` names the list for the cache (view and arguments); without it
    the index is computed on every use. Querysets in another order (``ranked``,
    or found so by looking at their ordering) are paged by their kept ranking
    when they have an ``index_key``, else the ordinary way.
    """

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        self.index_key = kwargs.pop("index_key", None)
        self.prepared = kwargs.pop("prepared", None)
        ranked = kwargs.pop("ranked", False)
        super().__init__(object_list, per_page, orphans, allow_empty_first_page, **kwargs)
        self._parts = {}  # parts of the kept index this paginator has read
        if self.prepared is not None:  # object_list is not looked at yet
            self.keyset = not ranked and not orphans
            return
        ordering = tuple(getattr(object_list, "query", None) and object_list.query.order_by or ())
        self.keyset = ordering in KEYSET_ORDERING and not orphans

    def _check_object_list_is_ordered(self):
        if self.prepared is None:
            super()._check_object_list_is_ordered()

    @property
    def kept(self):
        """Whether pages come from the kept page index or ranking (else: ordinary paging)."""
        return self.keyset or self.index_key is not None

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

    def _index_parts(self):
        """What is kept of the list, computed now: {"count": n, chunk number: chunk}.

        A chunk covers INDEX_CHUNK pages: their first rows' keys (keyset), or
        the ids on them, in order (ranked: one query of ids, in the list's order).
        """
        if self.keyset:
            count, entries = self.page_index
            per_chunk = INDEX_CHUNK
        else:
            entries = list(self.object_list.values_list("pk", flat=True))
            count, per_chunk = len(entries), INDEX_CHUNK * self.per_page
        parts = {"count": count}
        for start in range(0, len(entries), per_chunk):
            parts[start // per_chunk] = entries[start : start + per_chunk]
        return parts

    @cached_property
    def _cache(self):
        name = "page-index:" + content_version.signature(self.index_key, self.per_page)
        return name, content_version.content_state()

    def _read(self, *parts):
        """Have these parts of the index ("count", chunk numbers) at hand: kept ones
        in one cache read. If one is not kept (a change, an eviction), every part is
        computed and kept -- except a chunk past the end, which does not exist."""
        wanted = [part for part in parts if part not in self._parts and self._may_exist(part)]
        if not wanted:
            return
        if self.index_key is not None:
            name, state = self._cache
            keys = {f"{name}:{part}": part for part in wanted}
            found = content_version.recall_many(list(keys), state)
            self._parts.update({keys[key]: value for key, value in found.items()})
            if all(part in self._parts or not self._may_exist(part) for part in wanted):
                return
        computed = self._index_parts()
        if self.index_key is not None:
            content_version.store({f"{name}:{part}": v for part, v in computed.items()}, state)
        self._parts = computed

    def _may_exist(self, part):
        """False for a chunk past the end of a list whose count is at hand."""
        count = self._parts.get("count")
        return part == "count" or count is None or 0 <= part * INDEX_CHUNK * self.per_page < count

    def _part(self, part):
        self._read(part)
        return self._parts[part]

    @cached_property
    def count(self):
        if not self.kept:
            return super().count
        return self._part("count")

    def page(self, number):
        if not self.kept:
            return super().page(number)
        # The count and the page's chunk of the index in one read (a number that
        # is not one: validate_number() says what is wrong).
        with contextlib.suppress(TypeError, ValueError):
            self._read("count", (int(number) - 1) // INDEX_CHUNK)
        number = self.validate_number(number)
        if not self.count:
            return self._get_page(self.object_list.none(), number, self)
        chunk = self._part((number - 1) // INDEX_CHUNK)
        place = (number - 1) % INDEX_CHUNK
        if not self.keyset:
            ids = chunk[place * self.per_page : (place + 1) * self.per_page]
            return self._get_page(self._rows_with_ids(ids), number, self)
        publish_at, pk = chunk[place]
        if self.prepared is None or self.index_key is None:
            rows = _from(self.object_list, publish_at, pk)[: self.per_page]
        else:
            rows = self._prepared_rows(publish_at, pk)
        return self._get_page(rows, number, self)

    def _rows_with_ids(self, ids):
        """A ranked page: the rows with these ids, in their order."""
        if self.prepared is None:
            rows = self.object_list.filter(pk__in=ids)
        else:
            build, values, shape = self.prepared

            def query(*_shape, now, ids, **values):
                return build(now, **values).filter(pk__in=ids)

            values = {"now": timezone.now(), "ids": ids, **values}
            rows = _PAGES.run(shape, query, values)
        by_id = {row.pk: row for row in rows}
        return [by_id[pk] for pk in ids if pk in by_id]

    def _prepared_rows(self, publish_at, pk):
        """The page's rows from SQL built once per list (see dpga.prepared).

        ``prepared`` is (build, values, shape): build(now, **values) makes the
        list's queryset, as the view does; values are what it depends on beyond
        what ``shape`` names -- by default the list itself (``index_key``), so a
        member's id, say; a search's shape is its language and number of words.
        (A ranked list's build makes the rows its ranking picks from.)
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
