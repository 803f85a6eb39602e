from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from dpga.addresses import track_slug_changes
        from dpga.models import SlugRedirect

        from .models import Member

        track_slug_changes(Member, SlugRedirect.Kind.MEMBER)
