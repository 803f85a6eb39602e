from django.conf import settings
from django.utils.translation import gettext_lazy as _

from announcements.feeds import feed_links


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "site_feeds": feed_links("feeds:news", _("All news")),
    }
