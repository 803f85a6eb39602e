from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from taggit.apps import TaggitAppConfig


class TagsConfig(TaggitAppConfig):
    """django-taggit as editors know it: "Tags" in the admin (INSTALLED_APPS names it)."""

    default = False
    verbose_name = _("Tags")


class AnnouncementsConfig(AppConfig):
    # This module holds more than one app config: this one is the announcements app's.
    default = True
    name = "announcements"
    verbose_name = _("Announcements")

    def ready(self):
        from django.core import checks

        from dpga.pictures.library import register_usage

        from . import signals
        from .models import Announcement, AnnouncementTranslation
        from .websub import hub_address_check

        signals.connect()
        # A WebSub hub that is not https (nor on this machine) is refused.
        checks.register(hub_address_check)
        # Bodies may place pictures of the library (kept while they do).
        register_usage(Announcement, "body", "body_html")
        register_usage(AnnouncementTranslation, "body", "body_html")
