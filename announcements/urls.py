from django.urls import path, register_converter

from . import feeds, views


class FeedFormatConverter:
    regex = "rss|atom|json"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class YearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class MonthConverter(YearConverter):
    regex = "[0-9]{2}"

    def to_url(self, value):
        return f"{int(value):02d}"


class UnicodeSlugConverter:
    """A slug in any script: translations' slugs may be Arabic, Chinese, Russian ..."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FeedFormatConverter, "feedformat")
register_converter(UnicodeSlugConverter, "uslug")
register_converter(YearConverter, "yyyy")
register_converter(MonthConverter, "mm")

app_name = "announcements"

urlpatterns = [
    path("", views.AnnouncementListView.as_view(), name="list"),
    path("<yyyy:year>/", views.YearArchiveView.as_view(), name="archive_year"),
    path("<yyyy:year>/<mm:month>/", views.MonthArchiveView.as_view(), name="archive_month"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("preview/pending/<int:pk>/", views.PendingPreviewView.as_view(), name="pending_preview"),
    path("preview/<str:token>/", views.PreviewView.as_view(), name="preview"),
    path("<uslug:slug>/", views.AnnouncementDetailView.as_view(), name="detail"),
]

feed_urlpatterns = (
    [
        path("news/feed/<feedformat:format>/", feeds.news_feed, name="news"),
        path("news/feed.xsl", feeds.stylesheet, name="stylesheet"),
        path("news/tags/<slug:slug>/feed/<feedformat:format>/", feeds.tag_feed, name="tag"),
        path("members/<slug:slug>/feed/<feedformat:format>/", feeds.member_feed, name="member"),
    ],
    "feeds",
)
