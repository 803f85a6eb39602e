from urllib.parse import urljoin

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import override
from django.views.decorators.cache import cache_control

from members.models import Member

from .models import Announcement


class SiteSitemap(Sitemap):
    """Every page once per language, each with its language alternates (hreflang) and
    x-default, and image entries for the items that have a picture (``images(item)``).

    x-default is the English address (English has no prefix): it sends each browser
    to the language it prefers. It is set here rather than by Django's x_default,
    which needs English among the item's languages and finds the address by
    removing "/en/" from it.
    """

    @property
    def i18n(self):
        return len(settings.LANGUAGES) > 1

    @property
    def alternates(self):
        return self.i18n

    def images(self, item):
        """The addresses of the pictures shown on the item's page."""
        return []

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            item = url["item"]
            if self.i18n:  # the items are (item, language code) pairs then
                item = item[0]
                with override(settings.LANGUAGE_CODE):
                    default = urljoin(url["location"], self.location(item))
                url["alternates"].append({"location": default, "lang_code": "x-default"})
            url["images"] = [urljoin(url["location"], src) for src in self.images(item)]
        return urls


class AnnouncementSitemap(SiteSitemap):
    """Each published announcement in its original language and its translations."""

    changefreq = "monthly"
    limit = 5000

    def items(self):
        return (
            Announcement.objects.published()
            .newest_first()
            .only("slug", "updated_at", "publish_at", "picture", "language")
            .with_all_translations()
        )

    def get_languages_for_item(self, item):
        return item.available_languages()

    def lastmod(self, item):
        return max(item.updated_at, item.publish_at)

    def images(self, item):
        return [item.picture.url] if item.picture else []


class MemberSitemap(SiteSitemap):
    changefreq = "monthly"

    def items(self):
        return Member.objects.listed().only("slug", "name", "updated_at", "picture")

    def lastmod(self, item):
        return item.updated_at

    def images(self, item):
        return [item.picture.url] if item.picture else []


class ListPagesSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        return ["home", "announcements:list", "members:directory", "open_data"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        """The newest change among the published news: when a list page last changed."""
        return self.newest_change

    @cached_property
    def newest_change(self):
        return Announcement.objects.newest_change()


sitemaps = {
    "pages": ListPagesSitemap,
    "news": AnnouncementSitemap,
    "members": MemberSitemap,
}


# One address for every language (it lists all the languages' pages), included by
# dpga/urls.py.
urlpatterns = [
    path(
        "sitemap.xml",
        cache_control(max_age=3600)(sitemap),
        {"sitemaps": sitemaps, "template_name": "sitemaps/sitemap.xml"},
        name="sitemap",
    ),
]
