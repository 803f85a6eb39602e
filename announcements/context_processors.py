from django.utils.translation import gettext_lazy as _

from .feeds import feed_links


def news_feeds(request):
    """Every page names the news feeds (<link rel="alternate">)."""
    return {"site_feeds": feed_links("feeds:news", _("All news"))}
