"""Pages of news that cost the same at page 1 and at page 5,000.

``?page=N`` stays the address of a page, but the database is never asked to
skip (OFFSET) the rows before it. The list's ids in its order -- newest first,
or best match first for a ranked search -- are its *page index*, cached for the
content state (dpga.caching.content_version) in chunks; a page is then the rows
with its ten ids, by primary key. The list's own filters (a tag's, a member's, a
period's, a search's) are asked once per content state, not once per page.
"""

import contextlib
import functools

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

from dpga.caching import content_version

# The page index is cached in chunks of this many pages.
INDEX_CHUNK = 200


class PageIndexPaginator(Paginator):
    """A Paginator whose pages are found by ids in the cached page index.

    ``index_name`` names the list in the cache (the content version, language
    and time zone are added by content_version.cached_many()); ``rows(ids)``
    gives the rows with these ids, in their order.
    """

    def __init__(self, object_list, per_page, *, index_name, rows, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.index_name = index_name
        self.rows = rows
        self.parts = {}  # "count" and chunk numbers read so far

    @functools.cached_property
    def ids(self):
        """The whole list's ids, in its order (one query)."""
        return list(self.object_list.values_list("pk", flat=True))

    def read(self, *parts):
        """Have these parts of the index at hand: the cached ones in one read, the
        others computed (a chunk past the end is None, and not cached)."""
        per_chunk = INDEX_CHUNK * self.per_page

        def compute(part):
            if part == "count":
                return len(self.ids)
            return self.ids[part * per_chunk : (part + 1) * per_chunk] or None

        wanted = {(self.index_name, self.per_page, part): part for part in parts}
        wanted = {name: part for name, part in wanted.items() if part not in self.parts}
        if wanted:
            found = content_version.cached_many(
                {name: functools.partial(compute, part) for name, part in wanted.items()}
            )
            self.parts.update({wanted[name]: value for name, value in found.items()})
        return [self.parts[part] for part in parts]

    @cached_property
    def count(self):
        return self.read("count")[0]

    def page(self, number):
        # The count and the page's chunk in one read (validate_number() answers
        # a number that is not one).
        with contextlib.suppress(TypeError, ValueError):
            self.read("count", (int(number) - 1) // INDEX_CHUNK)
        number = self.validate_number(number)
        if not self.count:
            return Page([], number, self)
        chunk = self.read((number - 1) // INDEX_CHUNK)[0] or []
        place = (number - 1) % INDEX_CHUNK
        ids = chunk[place * self.per_page : (place + 1) * self.per_page]
        return Page(self.rows(ids), number, self)
