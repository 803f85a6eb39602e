from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "dpga"
    verbose_name = _("Alliance site")

    def ready(self):
        from . import security  # noqa: F401  (connects the login / lock-out log receivers)
