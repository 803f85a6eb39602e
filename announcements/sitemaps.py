from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from members.models import Member

from .models import Announcement


class AnnouncementSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return (
            Announcement.objects.published().newest_first().only("slug", "updated_at", "publish_at")
        )

    def lastmod(self, item):
        return max(item.updated_at, item.publish_at)


class MemberSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Member.objects.listed().only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class ListPagesSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["home", "announcements:list", "members:directory"]

    def location(self, item):
        return reverse(item)


sitemaps = {
    "pages": ListPagesSitemap,
    "news": AnnouncementSitemap,
    "members": MemberSitemap,
}
