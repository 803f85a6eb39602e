from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnouncementsConfig(AppConfig):
    name = "announcements"
    verbose_name = _("Announcements")

    def ready(self):
        from django.db.models.signals import post_delete
        from taggit.models import Tag

        from dpga.addresses import track_slug_changes
        from dpga.models import SlugRedirect

        from . import (
            feed_changes,
            tag_slugs,  # noqa: F401  (gives every tag a slug its URL can carry)
        )
        from .models import Announcement, AnnouncementTranslation

        feed_changes.connect()
        track_slug_changes(Announcement, SlugRedirect.Kind.ANNOUNCEMENT)
        track_slug_changes(AnnouncementTranslation, SlugRedirect.Kind.ANNOUNCEMENT)
        track_slug_changes(Tag, SlugRedirect.Kind.TAG)

        def published_announcement_deleted(sender, instance, **kwargs):
            """A published announcement's address answers 410 Gone once it is deleted."""
            if instance.is_published:
                SlugRedirect.objects.record_gone(SlugRedirect.Kind.ANNOUNCEMENT, instance.slug)

        post_delete.connect(
            published_announcement_deleted,
            sender=Announcement,
            weak=False,
            dispatch_uid="announcement-gone",
        )
