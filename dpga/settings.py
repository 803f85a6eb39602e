"""Settings for the alliance news site.

Everything that differs between machines comes from the environment; the
defaults are safe for local use (SQLite in the project folder, DEBUG off unless
asked for). See README.md for the full list of variables.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-local-only-key-never-use-in-production"
    else:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# The site's name and the permanent authority used in feed item ids
# (tag: URIs, RFC 4151). Change SITE_DOMAIN only before the first publication.
SITE_NAME = os.environ.get("DJANGO_SITE_NAME", "Digital Public Goods Alliance")
SITE_DOMAIN = os.environ.get("DJANGO_SITE_DOMAIN", "digitalpublicgoods.example")

# Feeds and open data (README "Feeds and open data").
# The public address, for absolute URLs made outside a request (WebSub pings).
SITE_URL = os.environ.get("DJANGO_SITE_URL", f"https://{SITE_DOMAIN}").rstrip("/") + "/"
# A WebSub hub (e.g. https://pubsubhubbub.appspot.com/); empty: no hub, no pings.
WEBSUB_HUB_URL = os.environ.get("WEBSUB_HUB_URL", "")
WEBSUB_TIMEOUT = float(os.environ.get("WEBSUB_TIMEOUT", "5"))  # seconds per attempt
WEBSUB_RETRIES = int(os.environ.get("WEBSUB_RETRIES", "3"))  # attempts per topic
WEBSUB_RETRY_PAUSE = float(os.environ.get("WEBSUB_RETRY_PAUSE", "1"))  # doubles each retry
WEBSUB_BACKGROUND = True  # ping from a thread after commit; the editor never waits
# The licence of the open data (member list, news feeds), shown on /open-data/
# and carried by /members.json.
OPEN_DATA_LICENCE_NAME = os.environ.get("OPEN_DATA_LICENCE_NAME", "CC BY 4.0")
OPEN_DATA_LICENCE_URL = os.environ.get(
    "OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "simple_history",
    "dpga",
    "members",
    "announcements",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "dpga.languages.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Looks up moved and deleted addresses, only for responses that are 404.
    "dpga.middleware.MovedAddressMiddleware",
]

ROOT_URLCONF = "dpga.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dpga.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "dpga.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "dpga"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "dpga",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The six official languages of the United Nations. English pages have no
# prefix (/news/), the others have theirs (/ar/news/ ...): see dpga/urls.py.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The switcher remembers a visitor's choice for a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
# Dates and numbers follow the page's language (Django's formats per locale).
FORMAT_MODULE_PATH = ["dpga.formats"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Taggit: tags compare case-insensitively ("Health" and "health" are one tag).
TAGGIT_CASE_INSENSITIVE = True

# Preview links for reviewers without an account stop working after this many hours.
PREVIEW_LINK_HOURS = int(os.environ.get("DJANGO_PREVIEW_LINK_HOURS", "48"))

# Uploads: largest picture accepted, in bytes and in pixels.
IMAGE_MAX_BYTES = int(os.environ.get("DJANGO_IMAGE_MAX_BYTES", str(10 * 1024 * 1024)))
IMAGE_MAX_PIXELS = int(os.environ.get("DJANGO_IMAGE_MAX_PIXELS", str(40_000_000)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
