from urllib.parse import urljoin

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import override

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

    def address(self, url, item, language):
        """The item's absolute address in `language` (on the host of `url`)."""
        with override(language):
            return urljoin(url["location"], self.location(item))

    def x_default(self, url, item):
        return {
            "location": self.address(url, item, settings.LANGUAGE_CODE),
            "lang_code": "x-default",
        }

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            item = url["item"]
            if self.i18n:  # the items are (item, language code) pairs then
                item = item[0]
                url["alternates"].append(self.x_default(url, item))
            url["images"] = [urljoin(url["location"], src) for src in self.images(item)]
        return urls


class AnnouncementSitemap(SiteSitemap):
    """Each published announcement in its original language and its translations.

    Paged by announcement, not by address: Django's i18n sitemaps read every item
    (and here every item's translations) to page their (item, language) pairs, for
    every page and for the index. Here a page reads its own `limit` announcements,
    and each gives one address per language its text exists in, all with the same
    alternates.
    """

    changefreq = "monthly"
    limit = 1000  # at most 6,000 addresses a page (the protocol allows 50,000)
    i18n = False  # each announcement's languages are added by get_urls()

    def items(self):
        return (
            Announcement.objects.published()
            .newest_first()
            .only("slug", "updated_at", "publish_at", "picture", "language")
            .with_all_translations()
        )

    def get_urls(self, page=1, site=None, protocol=None):
        urls = []
        for url in super().get_urls(page=page, site=site, protocol=protocol):
            item = url["item"]
            languages = [
                {"location": self.address(url, item, code), "lang_code": code}
                for code in item.available_languages()
            ]
            alternates = [*languages, self.x_default(url, item)]
            urls += [
                {**url, "location": a["location"], "alternates": alternates} for a in languages
            ]
        return urls

    def get_latest_lastmod(self):
        """For the sitemap index: one query, not a read of every announcement."""
        return Announcement.objects.newest_change()

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


# One address for every language (they list all the languages' pages), included by
# dpga/urls.py: the index, and each section's pages (sitemap-news.xml?p=2 ...). Their
# lifetimes are the page cache's, as every public page's (dpga/caching/page_cache.py).
urlpatterns = [
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps, "template_name": "sitemaps/sitemap.xml"},
        name="sitemap-section",
    ),
]
