"""Pages of news that cost the same at page 1 and at page 5,000.

``?page=N`` stays the address of a page, but the database is never asked to
skip (OFFSET) the rows before it. The list's ids in its order -- newest first,
or best match first for a ranked search -- are its *page index*, cached for the
content state (dpga.caching.content_version) in chunks; a page is then the rows
with its ten ids, by primary key. The list's own filters (a tag's, a member's, a
period's, a search's) are asked once per content state, not once per page.
"""

import contextlib

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

    @cached_property
    def ids(self):
        """The whole list's ids, in its order (one query)."""
        return list(self.object_list.values_list("pk", flat=True))

    def read(self, *parts):
        """Have these parts of the index ("count", chunk numbers) at hand: the cached
        ones in one read, the others computed and cached. A chunk past the end of the
        list is None, and never cached (anyone can ask for ?page=99999)."""
        names = {part: (self.index_name, self.per_page, part) for part in parts}
        wanted = [part for part in parts if part not in self.parts]
        if wanted:
            found = content_version.read_cached([names[part] for part in wanted])
            self.parts.update({part: found[names[part]] for part in wanted if names[part] in found})
            computed = {}
            for part in wanted:  # "count" first: a chunk past the end is not computed
                if part not in self.parts:
                    self.parts[part] = computed[names[part]] = self.compute(part)
            content_version.store_cached(computed)
        return [self.parts[part] for part in parts]

    def compute(self, part):
        if part == "count":
            return len(self.ids)
        count = self.parts.get("count")
        per_chunk = INDEX_CHUNK * self.per_page
        if count is not None and not 0 <= part * per_chunk < count:
            return None
        return self.ids[part * per_chunk : (part + 1) * per_chunk] or None

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
