"""Settings for the alliance news site.

Everything that differs between machines comes from the environment; the
defaults are safe for local use (SQLite in the project folder, DEBUG off unless
asked for). See README.md for the full list of variables.
"""

import datetime
import os
import sys
from pathlib import Path

import django
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from dpga.email_url import email_settings
from dpga.environment import (
    cache_settings,
    database_query_timeout,
    database_settings,
    env_bool,
    env_list,
    logging_settings,
    media_storage,
    proxy_ssl_header,
)

BASE_DIR = Path(__file__).resolve().parent.parent

TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]


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
    # Ranked full-text search on PostgreSQL (SearchVectorField); harmless on SQLite.
    "django.contrib.postgres",
    # django-taggit, called "Tags" in the admin (not "Taggit").
    "announcements.apps.TagsConfig",
    "simple_history",
    "axes",
    # The database task backend's table and its worker (manage.py db_worker).
    "django_tasks_db",
    "dpga",
    "members",
    "announcements",
]

MIDDLEWARE = [
    "dpga.middleware.RequestLogMiddleware",
    # No redirect, whatever builds it, sends a browser to another site.
    "dpga.middleware.OffSiteRedirectMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "dpga.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside sessions, CSRF and messages: it sees every cookie a response sets.
    "dpga.caching.page_cache.PageCacheMiddleware",
    # Below the page cache, whose hits need no database: bounded database waits.
    "dpga.database_wait.DatabaseWaitMiddleware",
    # The Content-Security-Policy middleware is inserted here (see "Security" below).
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "dpga.languages.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Looks up moved and deleted addresses, only for responses that are 404.
    "dpga.middleware.MovedAddressMiddleware",
    "dpga.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dpga.urls"

# The public site's pages: Jinja2 (dpga/templating.py); the admin: Django's templates.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "dpga.templating.environment",
            "context_processors": [
                "django.contrib.messages.context_processors.messages",
                "dpga.context_processors.site",
                "announcements.context_processors.news_feeds",
                "dpga.context_processors.csp_nonce",
            ],
        },
    },
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
                "announcements.context_processors.news_feeds",
                "dpga.context_processors.csp_nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "dpga.wsgi.application"

DATABASES = database_settings(os.environ, base_dir=BASE_DIR)
# A web request gives up on a database that stops answering after this many seconds
# (dpga/database_wait.py); management commands and the task worker never do.
DB_QUERY_TIMEOUT = database_query_timeout(os.environ, DATABASES["default"])

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = cache_settings(os.environ, local=DEBUG or TESTING, base_dir=BASE_DIR)

# After Redis failed, a process serves from the database without asking it again
# for this long (seconds): one timeout per interval, not one per request.
CACHE_RETRY_SECONDS = float(os.environ.get("DJANGO_CACHE_RETRY_SECONDS", "2"))

# Anonymous pages and feeds are cached whole (dpga/caching/page_cache.py) under the
# content version; the HTTP caches in front of the site may keep them this long.
PAGE_CACHE_ENABLED = env_bool("DJANGO_PAGE_CACHE", True)
PAGE_CACHE_MAX_AGE = int(os.environ.get("DJANGO_PAGE_MAX_AGE", "60"))
PAGE_CACHE_STALE_WHILE_REVALIDATE = int(os.environ.get("DJANGO_PAGE_STALE_WHILE_REVALIDATE", "300"))
# Longest life of anything cached under a content version (seconds).
CONTENT_CACHE_TIMEOUT = int(os.environ.get("DJANGO_CONTENT_CACHE_TIMEOUT", str(24 * 3600)))

# Background work (dpga/tasks.py): Django's Tasks API. DJANGO_TASKS_BACKEND picks
# where tasks wait: "database" (the default: this site's database, run by
# `manage.py worker`), "rq" (Redis at DJANGO_TASKS_REDIS_URL, for workers on several
# hosts) or "immediate" (run at once, inside the request: the tests' default).
TASKS_BACKEND = os.environ.get("DJANGO_TASKS_BACKEND", "immediate" if TESTING else "database")
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": (
        "django.tasks.backends.immediate.ImmediateBackend"
        if django.VERSION >= (6, 0)
        else "django_tasks.backends.immediate.ImmediateBackend"
    ),
}
if TASKS_BACKEND not in TASKS_BACKENDS:
    raise ImproperlyConfigured(f"DJANGO_TASKS_BACKEND must be one of {', '.join(TASKS_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[TASKS_BACKEND]}}
if django.VERSION < (6, 0):
    INSTALLED_APPS.insert(INSTALLED_APPS.index("django_tasks_db"), "django_tasks")
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {
        "default": {
            "URL": os.environ.get(
                "DJANGO_TASKS_REDIS_URL", REDIS_URL or "redis://127.0.0.1:6379/0"
            ),
            # Every job is retried, after a worker's crash too (dpga/rq_jobs.py).
            "QUEUE_CLASS": "dpga.rq_jobs.RetryingQueue",
        }
    }
# RQ holds tasks outside the database: hand them over once the change is committed.
TASKS_ENQUEUE_ON_COMMIT = TASKS_BACKEND == "rq"
# A failed attempt (an SMTP server away) is tried again after 30 s, 60 s, 120 s ...
TASKS_MAX_ATTEMPTS = int(os.environ.get("DJANGO_TASKS_MAX_ATTEMPTS", "6"))
TASKS_RETRY_PAUSE = float(os.environ.get("DJANGO_TASKS_RETRY_PAUSE", "30"))
# A task still running after this many seconds is taken to belong to a crashed worker
# and run again when a worker starts (a worker restarted with the same --worker-id
# takes back its own at once).
TASKS_STALE_AFTER = int(os.environ.get("DJANGO_TASKS_STALE_AFTER", "600"))


# Email (news by email, workflow notices): sent by background tasks only.
globals().update(email_settings(os.environ.get("EMAIL_URL", ""), DEBUG))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", f"news@{SITE_DOMAIN}")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The mailto: of List-Unsubscribe (RFC 2369): a mailbox someone reads.
LIST_UNSUBSCRIBE_MAILTO = os.environ.get("DJANGO_LIST_UNSUBSCRIBE_MAILTO", DEFAULT_FROM_EMAIL)
# Subscribe form: at most this many requests per address and per client an hour.
SUBSCRIBE_RATE_PER_HOUR = int(os.environ.get("DJANGO_SUBSCRIBE_RATE_PER_HOUR", "5"))

# `make bench` only: mounts a fixed small response to compare everything with.
BENCH = env_bool("DJANGO_BENCH", False)

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
# Where `manage.py backup` writes, and `restore` saves the content it would overwrite.
BACKUP_DIR = Path(os.environ.get("DJANGO_BACKUP_DIR", BASE_DIR / "backups"))


STORAGES = {
    "default": media_storage(os.environ),
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
# A TrueType font for share cards (titles in scripts Pillow's own font lacks).
SHARE_CARD_FONT = os.environ.get("DJANGO_SHARE_CARD_FONT", "")

# Logging: request and security events as JSON lines (dpga.jsonlog), the rest plain.
LOGGING = logging_settings(os.environ)

# Security ------------------------------------------------------------------
# Production (DEBUG off) is HTTPS-only by default; `make run` (DEBUG on) and the
# test suite stay on plain http. Each setting can be overridden from the environment.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG and not TESTING)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
# Behind a proxy that terminates TLS, e.g. DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https".
# Unset by default: trusting the header without such a proxy would let anyone fake HTTPS.
if os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = proxy_ssl_header(os.environ["DJANGO_SECURE_PROXY_SSL_HEADER"])
# Trusted reverse proxies in front of the site (for the client address in logs
# and login throttling): X-Forwarded-For is believed for this many hops, no more.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(31_536_000 if HTTPS else 0))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is a promise that is hard to take back: off unless asked for.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # check --deploy's reminder that preload is off: off is the deliberate default.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(self), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), publickey-credentials-get=(), screen-wake-lock=(), "
    "serial=(), usb=(), xr-spatial-tracking=()"
)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
if HTTPS:
    # The __Host- prefix pins the cookies to this host, over HTTPS, path "/".
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Content-Security-Policy: nothing inline, nothing from elsewhere. Scripts need
# 'self' or the per-request nonce ({{ csp_nonce }} in templates); no 'unsafe-inline'
# and no 'unsafe-eval' anywhere. Django 6.0+ has this built in; on Django 5.2 the
# django-csp package provides the same policy.
CSP_NONCE = object()  # placeholder in CSP_DIRECTIVES, replaced per backend below
_media_origin = MEDIA_URL if MEDIA_URL.startswith(("https://", "http://")) else None
CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'", CSP_NONCE],
    "style-src": ["'self'", CSP_NONCE],
    "img-src": ["'self'", *([_media_origin] if _media_origin else [])],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if HTTPS:
    CSP_DIRECTIVES["upgrade-insecure-requests"] = True
# Inside the page cache: a cached page keeps the header it was rendered with (its
# nonces are in the page), so a page served from the cache builds no policy.
_csp_index = MIDDLEWARE.index("dpga.caching.page_cache.PageCacheMiddleware") + 1
if django.VERSION >= (6, 0):
    from django.utils.csp import CSP

    SECURE_CSP = {
        name: value if value is True else [CSP.NONCE if v is CSP_NONCE else v for v in value]
        for name, value in CSP_DIRECTIVES.items()
    }
    MIDDLEWARE.insert(_csp_index, "django.middleware.csp.ContentSecurityPolicyMiddleware")
    # Django's own processor gives templates {{ csp_nonce }} (ours does on Django 5.2).
    for _engine in TEMPLATES:
        _processors = _engine["OPTIONS"]["context_processors"]
        _processors[_processors.index("dpga.context_processors.csp_nonce")] = (
            "django.template.context_processors.csp"
        )
else:
    from csp.constants import NONCE

    INSTALLED_APPS.append("csp")
    CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            name: value if value is True else [NONCE if v is CSP_NONCE else v for v in value]
            for name, value in CSP_DIRECTIVES.items()
        }
    }
    MIDDLEWARE.insert(_csp_index, "csp.middleware.CSPMiddleware")

# The admin's address, e.g. DJANGO_ADMIN_PATH="office-7f3a/" (default "admin/").
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip("/") + "/"
if ADMIN_PATH == "/":
    raise ImproperlyConfigured("DJANGO_ADMIN_PATH cannot be empty.")

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one user
# name from one address, that pair is refused for AXES_COOLOFF_TIME.
AUTHENTICATION_BACKENDS = [
    "dpga.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "dpga.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "dpga.security.client_ip"
AXES_VERBOSE = False
