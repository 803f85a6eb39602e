"""Rendered pieces of pages, kept by what they show.

A fragment's key is a digest of everything it displays, of the language and
time zone it is drawn in, and of the code, templates and catalogues that drew
it (``release()``). So a kept fragment is never out of date and nothing ever
has to be purged: an item that changes has a new state, hence a new key.

Fragments live in the "fragments" cache, each process's own memory (see
settings): a page that is not in the page cache -- right after any content
change, or rarely visited -- redraws only the items that changed, not the ten
others. ``card()`` (dpga.templating) does the keeping, ``state()`` the key.
"""

import functools
import hashlib

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

# What can change how a fragment is drawn, besides the data it shows.
SOURCES = ("dpga", "announcements", "members", "templates", "locale")
SUFFIXES = {".py", ".html", ".mo"}


@functools.cache
def release():
    """A digest of the site's code, templates and compiled catalogues (once per process)."""
    digest = hashlib.sha256()
    base = settings.BASE_DIR
    for folder in SOURCES:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in SUFFIXES and "migrations" not in path.parts:
                digest.update(path.relative_to(base).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def state(*parts):
    """The fragment-cache key material for a fragment showing `parts`."""
    digest = hashlib.sha256()
    context = (release(), get_language(), timezone.get_current_timezone_name())
    for part in (*context, *parts):
        digest.update(str(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()
