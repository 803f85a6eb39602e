from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.cache import cache_control

from announcements.sitemaps import sitemaps
from announcements.urls import feed_urlpatterns
from announcements.views import SearchView
from members import opendata

from . import views

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME

urlpatterns = [
    path("", views.home, name="home"),
    path("news/", include("announcements.urls")),
    path("members/", include("members.urls")),
    path("search/", SearchView.as_view(), name="search"),
    path("", include(feed_urlpatterns)),
    path("members.json", opendata.members_json, name="members_json"),
    path("members.csv", opendata.members_csv, name="members_csv"),
    path("open-data/", opendata.open_data_page, name="open_data"),
    path(
        "sitemap.xml",
        cache_control(max_age=3600)(sitemap),
        {"sitemaps": sitemaps, "template_name": "sitemaps/sitemap.xml"},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz/", views.healthz, name="healthz"),
    path(settings.ADMIN_PATH, admin.site.urls),
]

handler500 = "dpga.views.server_error"

if settings.BENCH:
    urlpatterns += [path("_bench/baseline/", views.bench_baseline, name="bench_baseline")]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
