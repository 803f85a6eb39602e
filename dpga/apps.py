"""The project's own app: what it connects once every app is loaded."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "dpga"
    verbose_name = _("Alliance site")

    def ready(self):
        from django.core import checks

        from . import security  # noqa: F401  (connects the login / lock-out log receivers)
        from .checks import static_manifest_for_runserver
        from .pictures.models import connect_file_cleanup

        # runserver refuses to start with DEBUG off before collectstatic (dpga/checks.py).
        checks.register(static_manifest_for_runserver)
        # Every picture owner (announcements, members ...): its files go with it.
        connect_file_cleanup()
