from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
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
from .languages import choose_language

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME

# The public site, once per language. English, the site's first language,
# keeps the addresses it always had (/news/...), so no link, bookmark or
# feed subscription made before the site spoke six languages changes; the
# five others have their prefix (/fr/news/, /ar/news/ ...). The language is
# always the address's: a browser that chose or prefers another language is
# sent there from an English page (dpga.languages.PreferredLanguageMiddleware).
urlpatterns = i18n_patterns(
    path("", views.home, name="home"),
    path("news/", include("announcements.urls")),
    path("members/", include("members.urls")),
    path("search/", SearchView.as_view(), name="search"),
    path("", include(feed_urlpatterns)),
    path("members.json", opendata.members_json, name="members_json"),
    path("members.csv", opendata.members_csv, name="members_csv"),
    path("open-data/", opendata.open_data_page, name="open_data"),
    prefix_default_language=False,
)

# One address for every language: the sitemap (which lists all the languages'
# pages), robots.txt, the switcher's links, the admin.
urlpatterns += [
    path(
        "sitemap.xml",
        cache_control(max_age=3600)(sitemap),
        {"sitemaps": sitemaps, "template_name": "sitemaps/sitemap.xml"},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz/", views.healthz, name="healthz"),
    path("language/<str:code>/", choose_language, name="choose_language"),
    path(settings.ADMIN_PATH, admin.site.urls),
]

handler500 = "dpga.views.server_error"

if settings.BENCH:
    urlpatterns += [path("_bench/baseline/", views.bench_baseline, name="bench_baseline")]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
