from django.conf import settings
from django.utils.translation import gettext_lazy as _

from announcements.feeds import feed_links


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "site_feeds": feed_links("feeds:news", _("All news")),
    }


def csp_nonce(request):
    """The Content-Security-Policy nonce as {{ csp_nonce }}, on Django 5.2 and 6.x alike.

    Lazy: the nonce is made (and added to the header) only if a template uses it.
    """
    nonce = getattr(request, "csp_nonce", None)  # django-csp (Django 5.2)
    if nonce is None:
        nonce = getattr(request, "_csp_nonce", None)  # Django 6's own CSP middleware
    return {"csp_nonce": nonce}
