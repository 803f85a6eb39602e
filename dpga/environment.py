"""Settings values read from the environment (dpga/settings.py calls these).

Pure functions of the environment they are given: no Django settings are read here,
so each can be tested with a dict. A value that cannot work raises
ImproperlyConfigured with what to write instead.
"""

import math
import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


def database_settings(environ, *, base_dir):
    """DATABASES: DATABASE_URL (else SQLite in base_dir), persistent connections with
    health checks; a PostgreSQL host that never answers holds a new connection
    DJANGO_DB_CONNECT_TIMEOUT seconds at most."""
    database = dj_database_url.parse(
        environ.get("DATABASE_URL") or f"sqlite:///{base_dir / 'db.sqlite3'}",
        conn_max_age=int(environ.get("DJANGO_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", int(environ.get("DJANGO_DB_CONNECT_TIMEOUT", "3"))
        )
    return {"default": database}


def database_query_timeout(environ, database):
    """DJANGO_DB_QUERY_TIMEOUT: seconds a web request waits for a database server that
    stops answering (dpga/database_wait.py); 0 for no bound. By default 5 for
    PostgreSQL, none for SQLite: a file cannot stop answering, and its own busy timeout
    bounds a wait for another process's write."""
    server = database["ENGINE"] != "django.db.backends.sqlite3"
    value = environ.get("DJANGO_DB_QUERY_TIMEOUT", "").strip() or ("5" if server else "0")
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1
    if not (seconds >= 0 and math.isfinite(seconds)):
        raise ImproperlyConfigured(
            f"DJANGO_DB_QUERY_TIMEOUT must be a number of seconds, 0 or more (0: no bound), "
            f"not {value!r}."
        )
    return seconds


def cache_settings(environ, *, local, base_dir):
    """CACHES: Redis at REDIS_URL (failing open, with bounded timeouts); else a
    local-memory cache for `make run` and the tests (`local`); else a cache on disk
    that gunicorn's workers share. Beside it, "local": each process's copies of the
    pages it served from the shared cache (dpga/caching/page_cache.py)."""
    return {
        "default": shared_cache(environ, local=local, base_dir=base_dir),
        "local": local_page_copies(environ),
    }


def local_page_copies(environ):
    """DJANGO_LOCAL_PAGE_ENTRIES (1,000: about 17 MB a process for pages of 16 KB) page-
    cache entries each process keeps a copy of; 0 keeps none."""
    value = environ.get("DJANGO_LOCAL_PAGE_ENTRIES", "").strip() or "1000"
    if not (value.isascii() and value.isdigit()):
        raise ImproperlyConfigured(
            f"DJANGO_LOCAL_PAGE_ENTRIES must be a whole number, 0 or more, not {value!r}."
        )
    if int(value) == 0:
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": int(value)},
    }


def shared_cache(environ, *, local, base_dir):
    redis_url = environ.get("REDIS_URL", "")
    if redis_url:
        return {
            # Fails open: without Redis, pages are rendered from the database.
            "BACKEND": "dpga.caching.fail_open.FailOpenRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": environ.get("DJANGO_CACHE_PREFIX", "dpga"),
            # A Redis that stops answering holds a request this long at most (seconds).
            "OPTIONS": {
                "socket_timeout": float(environ.get("DJANGO_REDIS_TIMEOUT", "0.25")),
                "socket_connect_timeout": float(
                    environ.get("DJANGO_REDIS_CONNECT_TIMEOUT", "0.25")
                ),
            },
        }
    if local:
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "dpga",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    # Without Redis, gunicorn's worker processes share a cache on disk: the content
    # version must be one for all of them, or one worker would serve a page another
    # worker's admin change has made out of date. (The "local" copies are checked
    # against that shared version.)
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": environ.get("DJANGO_CACHE_DIR", str(base_dir / "var" / "cache")),
        "OPTIONS": {"MAX_ENTRIES": 10000},  # about 5,000 pages and their validators
    }


def media_storage(environ):
    """Where uploads and their renditions live: local files, or S3-compatible storage.

    DJANGO_STORAGE=s3 selects django-storages' S3 backend, configured from AWS_*
    variables (credentials are read by boto3 from AWS_ACCESS_KEY_ID /
    AWS_SECRET_ACCESS_KEY, an instance role or a profile, and never appear here).
    """
    kind = environ.get("DJANGO_STORAGE", "local").strip().lower() or "local"
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured("DJANGO_STORAGE must be 'local' or 's3'.")
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        raise ImproperlyConfigured("DJANGO_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    options = {
        "bucket_name": bucket,
        # Two uploads called photo.jpg must never overwrite each other.
        "file_overwrite": False,
        # Public, cacheable addresses (pages and feeds are cached; signed ones expire).
        "querystring_auth": environ.get("AWS_QUERYSTRING_AUTH", "").strip().lower()
        in {"1", "true", "yes", "on"},
        "location": environ.get("AWS_LOCATION", ""),
        "object_parameters": {
            "CacheControl": environ.get("AWS_CACHE_CONTROL", "public, max-age=31536000")
        },
    }
    optional = {
        "endpoint_url": "AWS_S3_ENDPOINT_URL",  # MinIO, Ceph, R2, Scaleway ...
        "region_name": "AWS_S3_REGION_NAME",
        "custom_domain": "AWS_S3_CUSTOM_DOMAIN",  # a CDN in front of the bucket
        "default_acl": "AWS_DEFAULT_ACL",
        "addressing_style": "AWS_S3_ADDRESSING_STYLE",
        "signature_version": "AWS_S3_SIGNATURE_VERSION",
    }
    options.update({key: environ[name] for key, name in optional.items() if environ.get(name)})
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def proxy_ssl_header(value):
    """SECURE_PROXY_SSL_HEADER from "X-Forwarded-Proto: https" (a proxy that
    terminates TLS sets it; trusting it without such a proxy would let anyone fake
    HTTPS, so it is unset unless asked for)."""
    name, sep, wanted = value.strip().replace(",", ":", 1).partition(":")
    if not sep or not name.strip() or not wanted.strip():
        raise ImproperlyConfigured(
            'DJANGO_SECURE_PROXY_SSL_HEADER must look like "X-Forwarded-Proto: https".'
        )
    meta_name = name.strip().upper().replace("-", "_")
    if not meta_name.startswith("HTTP_"):
        meta_name = f"HTTP_{meta_name}"
    return (meta_name, wanted.strip())


def logging_settings(environ):
    """LOGGING: request and security events as JSON lines (dpga.jsonlog), the rest plain."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "dpga.jsonlog.JsonFormatter"}},
        "handlers": {
            "console": {"class": "logging.StreamHandler"},
            "json": {"class": "logging.StreamHandler", "formatter": "json"},
        },
        "root": {"handlers": ["console"], "level": environ.get("DJANGO_LOG_LEVEL", "INFO")},
        "loggers": {
            "dpga.requests": {
                "handlers": ["json"],
                "level": environ.get("DJANGO_REQUEST_LOG_LEVEL", "INFO"),
                "propagate": False,
            },
            "dpga.security": {"handlers": ["json"], "level": "INFO", "propagate": False},
            # Every request is already logged once, as JSON, by dpga.requests.
            "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
            "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        },
    }
