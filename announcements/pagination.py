"""Pages of announcements that cost the same at page 1 and at page 5,000.

``?page=N`` stays the address of a page, but the database is never asked to
skip (OFFSET) the rows before it. One query lists the ids of the whole list in
its order -- newest first, or best match first for a ranked search; that *page
index* is kept for the content state (see dpga.content_version), in chunks. A
page is then its ten ids' rows, looked up by primary key: the same small query
on every page of every list (a tag's, a member's, an archive's, a search's),
and the list's own filters are asked once per content state, not per page and
visitor.
"""

import contextlib

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from dpga import content_version

KEYSET_ORDERING = (("-publish_at", "-pk"), ("-publish_at", "-id"))
# The page index is cached in chunks of this many pages.
INDEX_CHUNK = 200


class KeysetPaginator(Paginator):
    """A Paginator for querysets ordered newest first (``-publish_at, -pk``),
    paged by their ids (see above).

    ``index_key`` names the list for the cache (view and arguments); without it
    the index is computed on every use. ``subject`` finds what a list is about
    (a tag, a member): it is kept with the index, and when it finds nothing the
    list is empty and nothing is kept (anyone can make up addresses). A queryset
    in another order (``ranked``, or found so by looking at its ordering) is paged
    the same way when it has an ``index_key``, else the ordinary way (OFFSET).
    """

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        self.index_key = kwargs.pop("index_key", None)
        self.rows = kwargs.pop("rows", None)
        self.find_subject = kwargs.pop("subject", None)
        ranked = kwargs.pop("ranked", False)
        super().__init__(object_list, per_page, orphans, allow_empty_first_page, **kwargs)
        self._parts = {}  # parts of the kept index this paginator has read
        if self.rows is not None:  # object_list is not looked at yet
            self.keyset = not ranked and not orphans
            return
        ordering = tuple(getattr(object_list, "query", None) and object_list.query.order_by or ())
        self.keyset = ordering in KEYSET_ORDERING and not orphans

    def _check_object_list_is_ordered(self):
        if self.rows is None:
            super()._check_object_list_is_ordered()

    @property
    def kept(self):
        """Whether pages come from the kept page index or ranking (else: ordinary paging)."""
        return self.keyset or self.index_key is not None

    def _index_parts(self):
        """The page index, computed now: {"count": n, chunk number: ids}, a chunk
        holding the ids on INDEX_CHUNK pages, in the list's order (one query)."""
        ids = list(self.object_list.prefetch_related(None).values_list("pk", flat=True))
        per_chunk = INDEX_CHUNK * self.per_page
        parts = {"count": len(ids)}
        for start in range(0, len(ids), per_chunk):
            parts[start // per_chunk] = ids[start : start + per_chunk]
        return parts

    @cached_property
    def _cache(self):
        name = "page-index:" + content_version.signature(self.index_key, self.per_page)
        return name, content_version.content_state()

    def _read(self, *parts):
        """Have these parts of the index ("count", chunk numbers) at hand: kept ones
        in one cache read. If one is not kept (a change, an eviction), every part is
        computed and kept -- except a chunk past the end, which does not exist."""
        if self.find_subject is not None:
            parts = ("subject", *parts)
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
        if self.find_subject is not None and "subject" not in self._parts:
            subject = self.find_subject()
            if subject is None:  # nothing at this address: nothing to list, nothing kept
                self._parts = {"subject": None, "count": 0}
                return
            self._parts["subject"] = subject
        computed = self._index_parts()
        if self.find_subject is not None:
            computed["subject"] = self._parts["subject"]
        if self.index_key is not None:
            content_version.store({f"{name}:{part}": v for part, v in computed.items()}, state)
        self._parts = computed

    def _may_exist(self, part):
        """False for a chunk past the end of a list whose count is at hand."""
        count = self._parts.get("count")
        if not isinstance(part, int):  # "count", "subject"
            return True
        return count is None or 0 <= part * INDEX_CHUNK * self.per_page < count

    def _part(self, part):
        self._read(part)
        return self._parts[part]

    @property
    def subject(self):
        """What the list is about (``subject``: called when its index is computed,
        kept with it; read with the count and page), or None: nothing is."""
        return self._part("subject")

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
            return self._get_page([], number, self)
        chunk = self._part((number - 1) // INDEX_CHUNK)
        place = (number - 1) % INDEX_CHUNK
        ids = chunk[place * self.per_page : (place + 1) * self.per_page]
        return self._get_page(self._rows_with_ids(ids), number, self)

    def _rows_with_ids(self, ids):
        """A page: the rows with these ids, in their order -- from ``rows(ids)``
        when given (the views: every list's cards from the same prepared SQL)."""
        if self.rows is not None:
            return self.rows(ids)
        by_id = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
        return [by_id[pk] for pk in ids if pk in by_id]
