"""Addresses that never break: where an old slug went, or that it is gone; the
picture library (its model lives in dpga/pictures/library.py); the working copies
of pending changes (dpga/review/models.py), registered here."""

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .pictures.library import LibraryPicture  # noqa: F401  (a model of this app)
from .review.models import WorkingCopy  # noqa: F401  (the project app's models)


class SlugRedirectQuerySet(models.QuerySet):
    def record_move(self, kind, old_slug, new_slug):
        """Send the old slug's addresses to the new slug, in one hop, forever.

        Earlier slugs that led to the old one now lead straight to the new
        one, and a slug that is in use again stops redirecting.
        """
        if not old_slug or old_slug == new_slug:
            return
        with transaction.atomic():
            self.filter(kind=kind, old_slug=new_slug).delete()
            self.filter(kind=kind, new_slug=old_slug).update(new_slug=new_slug)
            self.update_or_create(kind=kind, old_slug=old_slug, defaults={"new_slug": new_slug})

    def record_gone(self, kind, slug):
        """The slug's addresses (and any that led there) answer 410 Gone."""
        with transaction.atomic():
            self.filter(kind=kind, new_slug=slug).update(new_slug="")
            self.update_or_create(kind=kind, old_slug=slug, defaults={"new_slug": ""})

    def release(self, kind, slug):
        """A live object has this slug now: it no longer redirects anywhere."""
        self.filter(kind=kind, old_slug=slug).delete()


class SlugRedirect(models.Model):
    """An old slug of an announcement, member or tag, and where it leads now.

    Only consulted for requests that would otherwise answer 404, so normal
    pages pay nothing for it. An empty new slug means the object was deleted
    and its addresses answer 410 Gone.
    """

    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("announcement")
        MEMBER = "member", _("member")
        TAG = "tag", _("tag")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    old_slug = models.SlugField(_("old slug"), max_length=200, allow_unicode=True)
    new_slug = models.SlugField(
        _("new slug"),
        max_length=200,
        blank=True,
        allow_unicode=True,
        help_text=_("Empty: the page was deleted and its address answers “410 Gone”."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SlugRedirectQuerySet.as_manager()

    class Meta:
        verbose_name = _("moved address")
        verbose_name_plural = _("moved addresses")
        ordering = ["kind", "old_slug"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "old_slug"], name="slug_redirect_unique_old"),
            models.CheckConstraint(
                condition=~models.Q(old_slug=models.F("new_slug")),
                name="slug_redirect_not_to_itself",
            ),
        ]

    def __str__(self):
        return f"{self.kind}: {self.old_slug} → {self.new_slug or '410'}"

    @property
    def is_gone(self):
        return not self.new_slug
