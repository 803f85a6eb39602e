from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnouncementsConfig(AppConfig):
    name = "announcements"
    verbose_name = _("Announcements")

    def ready(self):
        from django.core import checks

        from . import signals
        from .websub import hub_address_check

        signals.connect()
        # A WebSub hub that is not https (nor on this machine) is refused.
        checks.register(hub_address_check)
