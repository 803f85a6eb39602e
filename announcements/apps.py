from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnouncementsConfig(AppConfig):
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
