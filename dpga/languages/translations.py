"""Content in six languages: the pieces announcements and members share.

An original (an announcement, a member) keeps its text in its own fields and
says which language that text is in (``language``). A translation is a row of
a child model (``AnnouncementTranslation``, ``MemberTranslation``) holding the
translated fields, one row per language.

Out of date: the original stores ``content_digest``, a digest of its
translatable text, recomputed on every save. A translation stores the digest of
the original it was written against (``source_digest``, set whenever the
translation is saved). When an editor changes the original's text afterwards
the two differ, and the translation is out of date until a translator saves it
again (or marks it up to date in the admin). A digest rather than a timestamp:
publishing, featuring or re-tagging the original does not make translations
stale, and undoing an edit makes them current again.

Showing a page: ``queryset.shown(code)`` fetches each original's
translation in that language in the same query (a LEFT JOIN, ``in_language()``), and
returns the instances shown in that language (``show_in``): translated fields replace the
original's on that in-memory copy, ``content_language`` says which language the
text is really in, and ``is_fallback`` is true when the translation is missing
and the original is shown instead. Such a copy refuses to be saved, so a
translation can never overwrite an original.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, FilteredRelation, Q
from django.utils import timezone
from django.utils.translation import (
    get_language,
    get_language_info,
    get_supported_language_variant,
)
from django.utils.translation import gettext_lazy as _


def text_digest(*values):
    """A stable digest of some pieces of text."""
    digest = hashlib.sha256()
    for value in values:
        digest.update((value or "").encode())
        digest.update(b"\0")
    return digest.hexdigest()


def current_language():
    """The active language, as one of the codes in settings.LANGUAGES."""
    try:
        return get_supported_language_variant(get_language() or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def language_codes():
    return [code for code, _name in settings.LANGUAGES]


class TranslatableQuerySet(models.QuerySet):
    """Adds in_language() and shown(): originals fetched with one translation each."""

    def in_language(self, language=None, fields=None):
        """Each original with its translation in `language` (default: the active one),
        in the same query: a LEFT JOIN on a FilteredRelation (at most one row per
        original, the pair being unique) selecting the translated `fields` (default:
        all of TRANSLATED_FIELDS). shown() then shows the instances in that language."""
        language = language or current_language()
        fields = self.model.TRANSLATED_FIELDS if fields is None else fields
        joined = FilteredRelation("translations", condition=Q(translations__language=language))
        return self.alias(shown_translation=joined).annotate(
            **{
                f"shown_{field}": F(f"shown_translation__{field}")
                for field in ("pk", "language", *fields)
            },
        )

    def shown(self, language=None, fields=None):
        """The instances, each shown in `language` (its translation, else the original)."""
        objs = list(self.in_language(language, fields))
        for obj in objs:
            obj.show_joined(language, fields)
        return objs

    def with_all_translations(self):
        """Each original with all its translations (for alternates and sitemaps)."""
        return self.prefetch_related("translations")


class Translatable(models.Model):
    """An original whose text may be translated.

    Subclasses name the fields a translation carries (``TRANSLATED_FIELDS``),
    and the fields whose change makes translations out of date
    (``DIGEST_FIELDS``).
    """

    TRANSLATED_FIELDS = ()
    DIGEST_FIELDS = ()

    language = models.CharField(
        _("original language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language this text is written in. Translations are added below."),
    )
    content_digest = models.CharField(max_length=64, editable=False, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def translation_model(cls):
        return cls._meta.get_field("translations").related_model

    # Showing one language --------------------------------------------------
    is_fallback = False

    @property
    def content_language(self):
        """The language of the text as shown (a translation's, or the original's)."""
        return self.__dict__.get("_content_language", self.language)

    @property
    def content_direction(self):
        """The writing direction of the text as shown: "rtl" or "ltr".

        An untranslated English text on an Arabic page still reads left to right.
        """
        return "rtl" if get_language_info(self.content_language)["bidi"] else "ltr"

    def show_in(self, language, translation=None, fields=None):
        """Show this copy in `language`: its translation, else the original (a fallback).

        `fields`: the translated fields to show (default: all of them).
        """
        if translation is not None:
            for field in self.TRANSLATED_FIELDS if fields is None else fields:
                setattr(self, field, getattr(translation, field))
            self._content_language = translation.language
            self._is_shown_translation = True
        self.is_fallback = translation is None and language != self.language
        self.requested_language = language

    def show_joined(self, language=None, fields=None):
        """Show this copy, fetched through ``in_language(language, fields)``, in that
        language: the joined translation, else the original (a fallback)."""
        fields = self.TRANSLATED_FIELDS if fields is None else fields
        translation = None
        if getattr(self, "shown_pk", None) is not None:
            values = {field: getattr(self, f"shown_{field}") for field in ("language", *fields)}
            translation = self.translation_model()(pk=self.shown_pk, **values)
        self.show_in(language or current_language(), translation, fields)
        return self

    def available_languages(self, translated=None):
        """The original's language and those of its translations, in settings' order.

        `translated`: the translations' languages, when already fetched.
        """
        if translated is None:
            translated = [t.language for t in self.translations.all()]
        present = {self.language, *translated}
        return [code for code in language_codes() if code in present]

    def clean(self):
        super().clean()
        if self.pk and self.translations.filter(language=self.language).exists():
            raise ValidationError(
                {
                    "language": _(
                        "There is a translation in this language already: the original "
                        "must be in another language."
                    )
                }
            )

    def compute_content_digest(self):
        return text_digest(*(getattr(self, field) for field in self.DIGEST_FIELDS))

    def save(self, *args, **kwargs):
        if getattr(self, "_is_shown_translation", False):
            raise RuntimeError(
                "This copy shows a translation; load the original from the database to save it."
            )
        self.content_digest = self.compute_content_digest()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.DIGEST_FIELDS):
            kwargs["update_fields"] = {*update_fields, "content_digest"}
        super().save(*args, **kwargs)


class TranslationQuerySet(models.QuerySet):
    def out_of_date(self):
        """Translations whose original changed after they were last saved."""
        return self.exclude(source_digest=F(f"{self.model.SOURCE_FIELD}__content_digest"))

    def up_to_date(self):
        return self.filter(source_digest=F(f"{self.model.SOURCE_FIELD}__content_digest"))


class Translation(models.Model):
    """One language's version of an original's text."""

    SOURCE_FIELD = None  # the name of the foreign key to the original

    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    source_digest = models.CharField(max_length=64, editable=False, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TranslationQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def source(self):
        return getattr(self, self.SOURCE_FIELD)

    def goes_public(self):
        """A translation is public when its original is (dpga/review)."""
        if getattr(self, f"{self.SOURCE_FIELD}_id", None) is None:
            return False
        return self.source.goes_public()

    @property
    def is_out_of_date(self):
        return self.source_digest != self.source.content_digest

    def mark_up_to_date(self):
        self.source_digest = self.source.content_digest

    def save(self, *args, **kwargs):
        # Saving a translation means it was written against the original as it is now.
        self.mark_up_to_date()
        super().save(*args, **kwargs)
        self.touch_source()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.touch_source()
        return result

    def touch_source(self):
        """A new or changed translation is a change to the original's pages and feeds."""
        source_model = type(self.source)
        source_model.objects.filter(pk=self.source.pk).update(updated_at=timezone.now())
