"""When each feed last changed, and what its WebSub hub was told."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedState(models.Model):
    """One feed (all news, a tag, a member): when its content last changed, and
    what the WebSub hub was last told about it.

    `changed_at` is set after an edit that changed what the feed shows (an item
    published, edited while live, unpublished, retagged or deleted), so the
    feed's validators also move when an item *leaves* it. `renamed_at` is set
    (with `changed_at`) when a name its items show changed with no item edited:
    their author's, or one of their tags'; archive pages, which leave `changed_at`
    out of their ETag, count it. `announced_*` is what `manage.py ping_hubs`
    compares against, so it pings each change once.
    """

    key = models.CharField(_("feed"), max_length=60, unique=True)
    changed_at = models.DateTimeField(_("content changed"), null=True, blank=True)
    renamed_at = models.DateTimeField(_("names changed"), null=True, blank=True)
    announced_fingerprint = models.CharField(max_length=64, blank=True)
    announced_at = models.DateTimeField(_("announced to the hub"), null=True, blank=True)

    class Meta:
        verbose_name = _("feed state")
        verbose_name_plural = _("feed states")

    def __str__(self):
        return self.key
