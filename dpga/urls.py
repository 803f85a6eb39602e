"""The site's addresses: each app's pages once per language, and the few that are
the same in every language. Apps are included by name: the project imports none."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from . import views
from .languages.middleware import choose_language

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME

# The public site, once per language. English, the site's first language,
# keeps the addresses it always had (/news/...), so no link, bookmark or
# feed subscription made before the site spoke six languages changes; the
# five others have their prefix (/fr/news/, /ar/news/ ...). The language is
# always the address's: a browser that chose or prefers another language is
# sent there from an English page (dpga.languages.middleware.PreferredLanguageMiddleware).
urlpatterns = i18n_patterns(
    path("", include("announcements.site_urls")),
    path("", include("members.site_urls")),
    prefix_default_language=False,
)

# One address for every language: the sitemap (which lists all the languages'
# pages), robots.txt, the switcher's links, the admin.
urlpatterns += [
    path("", include("announcements.sitemaps")),
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
