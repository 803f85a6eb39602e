from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "dpga"
    verbose_name = _("Alliance site")

    def ready(self):
        from django.core import checks

        from . import security  # noqa: F401  (connects the login / lock-out log receivers)
        from .checks import static_manifest_for_runserver

        # runserver refuses to start with DEBUG off before collectstatic (dpga/checks.py).
        checks.register(static_manifest_for_runserver)
