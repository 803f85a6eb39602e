"""Tag merges: a record of tags merged into one (their old addresses redirect to it)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TagMerge(models.Model):
    """A record of tags merged into one (their old addresses redirect to it)."""

    into = models.ForeignKey(
        "taggit.Tag",
        verbose_name=_("merged into"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    into_name = models.CharField(_("merged into (name)"), max_length=100)
    merged_names = models.TextField(_("merged tags"))
    merged_slugs = models.TextField(_("their slugs"))
    items_moved = models.PositiveIntegerField(_("items re-tagged"), default=0)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        verbose_name = _("tag merge")
        verbose_name_plural = _("tag merges")

    def __str__(self):
        return f"{self.merged_names} → {self.into_name}"
