"""The site refuses to serve with DEBUG off before `manage.py collectstatic`.

With DEBUG off, static files go through WhiteNoise's CompressedManifestStaticFilesStorage
(settings.STORAGES), whose every static URL comes from the manifest collectstatic
writes (staticfiles.json in STATIC_ROOT). Without it every page answers 500
("Missing staticfiles manifest entry"). So, then, and only then:

* gunicorn cannot load the application: dpga.wsgi raises ImproperlyConfigured
  (gunicorn runs no system checks);
* `manage.py runserver` stops at its system checks (dpga.E001); with
  --skip-checks it still cannot load dpga.wsgi (settings.WSGI_APPLICATION).

Both say what to run. Commands that serve no pages (collectstatic itself, migrate,
check --deploy, load_demo, backup ...) run as before, and so do the tests (they use
the plain storage, which needs no manifest). A manifest older than a new static
file still fails a page: dpga/views.py's _error_page then answers a plain one.
"""

import sys

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages

# Every command runs the same system checks as runserver (migrate, load_demo ...):
# the check is for the one that serves pages, named on the command line.
SERVING_COMMANDS = {"runserver"}


def missing_static_manifest():
    """What to tell whoever would serve the site now, or "" when pages can be drawn."""
    storage = storages["staticfiles"]
    if settings.DEBUG or not isinstance(storage, ManifestFilesMixin):
        return ""
    if storage.read_manifest() is not None:
        return ""
    return (
        f"The static files have not been collected: {storage.manifest_name} is missing "
        f"from STATIC_ROOT ({settings.STATIC_ROOT}), so with DEBUG off every page would "
        "answer 500. Run: python manage.py collectstatic --no-input"
    )


def refuse_to_serve_without_static_manifest():
    """For dpga.wsgi: raise ImproperlyConfigured rather than serve only errors."""
    message = missing_static_manifest()
    if message:
        raise ImproperlyConfigured(message)


def static_manifest_for_runserver(app_configs=None, **kwargs):
    """The system check (registered in dpga/apps.py): only a serving command is stopped."""
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command not in SERVING_COMMANDS:
        return []
    message = missing_static_manifest()
    return [checks.Error(message, id="dpga.E001")] if message else []
