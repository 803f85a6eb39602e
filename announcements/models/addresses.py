"""One address, one announcement: a slug never takes another announcement's address.

An announcement answers at its translation's slug in a language it is translated
into, and at its original slug in every other language (reading.announcement_at;
where both match, the translation wins). So:

* a translation's slug must not be another announcement's original slug (that
  announcement's address in the translation's language, or the one that redirects
  to it), nor another translation's slug in the same language;
* an original's slug must not be another announcement's slug, original or
  translated, in any language.

The model's ``clean()`` refuses a taken slug on the slug field, naming what has
the address and suggesting a free slug. Functions here take the announcement
model as an argument, so both models can use them without importing each other.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SUFFIX_NUMBER = re.compile(r"-[0-9]+$")
SLUG_BASE_LENGTH = 190


def _taking(model, slug_lookup, announcement_pk, language):
    """The originals and translations an announcement (or its translation into
    `language`) must not share a slug with."""
    originals = model._base_manager.filter(**slug_lookup)
    translations = model.translation_model()._base_manager.filter(**slug_lookup)
    if announcement_pk is not None:
        originals = originals.exclude(pk=announcement_pk)
        translations = translations.exclude(announcement_id=announcement_pk)
    if language is not None:
        translations = translations.filter(language=language)
    return originals, translations


def address_holder(model, slug, *, announcement_pk=None, language=None):
    """The title of what already has the address `slug` would give, or None.

    For the original of announcement `announcement_pk` (None: a new one), or, with
    `language`, for its translation into that language.
    """
    for rows in _taking(model, {"slug": slug}, announcement_pk, language):
        title = rows.values_list("title", flat=True).first()
        if title is not None:
            return title
    return None


def free_slug(model, slug, *, announcement_pk=None, language=None):
    """A slug like `slug` ("news" -> "news-2", "news-3" ...) whose address is free."""
    base = (SUFFIX_NUMBER.sub("", slug) or slug)[:SLUG_BASE_LENGTH]
    lookup = {"slug__startswith": f"{base}-"}
    taken = set()
    for rows in _taking(model, lookup, announcement_pk, language):
        taken.update(rows.values_list("slug", flat=True))
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def refuse_taken_slug(model, slug, *, announcement_pk=None, language=None):
    """Raise a ValidationError on the slug field when its address is taken."""
    where = {"announcement_pk": announcement_pk, "language": language}
    title = address_holder(model, slug, **where)
    if title is None:
        return
    raise ValidationError(
        {
            "slug": ValidationError(
                _(
                    "“%(slug)s” is already the address of “%(title)s”: choose another "
                    "slug, for example “%(free)s”."
                ),
                code="slug_taken",
                params={"slug": slug, "title": title, "free": free_slug(model, slug, **where)},
            )
        }
    )
