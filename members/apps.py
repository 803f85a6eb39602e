"""The members app: what it connects once every app is loaded."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from dpga import backups
        from dpga.pictures.library import register_usage

        from . import signals
        from .models import Member, MemberTranslation

        signals.connect()
        # Archives made before migration 0005 name the member's picture fields "logo...".
        logo_fields = {
            "logo": "picture",
            "logo_alt": "picture_alt",
            "logo_decorative": "picture_decorative",
            "logo_renditions": "picture_renditions",
        }
        backups.register_renamed_fields("members.member", logo_fields)
        backups.register_renamed_fields("members.historicalmember", logo_fields)
        # Descriptions may place pictures of the library (kept while they do).
        register_usage(Member, "description", "description_html")
        register_usage(MemberTranslation, "description", "description_html")
